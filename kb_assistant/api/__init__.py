"""The HTTP edge: FastAPI routers that parse requests, call `KB` and shape responses."""

from kb_assistant.api.app import create_app

__all__ = ["create_app"]
