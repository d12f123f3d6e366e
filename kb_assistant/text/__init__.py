from kb_assistant.text.analyzer import Analyzer

__all__ = ["Analyzer"]
