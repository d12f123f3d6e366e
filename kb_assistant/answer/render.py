"""Render answers with the Jinja2 templates in `prompts/` (one format, two verbosities)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from kb_assistant.answer.model import Verbosity
from kb_assistant.errors import ConfigError
from kb_assistant.model import Hit

__all__ = ["AnswerRenderer", "BasisLine", "chinese_date", "citation_label", "version_label"]

TEMPLATES = ("answer.md.j2", "escalate.md.j2")


@dataclass(frozen=True)
class BasisLine:
    label: str
    version: str
    quote: str


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def citation_label(hit: Hit) -> str:
    """《title》第X条, or 《title》section for documents without articles."""
    where = hit.article or (hit.heading.split(" / ")[-1] if hit.heading else "")
    return f"《{hit.title}》{where}"


def version_label(hit: Hit) -> str:
    """Which version an answer used: document number and the date that version applies from."""
    parts = []
    if hit.doc_number:
        parts.append(hit.doc_number)
    if hit.effective_from:
        parts.append(f"{chinese_date(date.fromisoformat(hit.effective_from))}起施行的版本")
    return "，".join(parts)


class AnswerRenderer:
    def __init__(self, prompts_dir: Path) -> None:
        missing = [name for name in TEMPLATES if not (prompts_dir / name).is_file()]
        if missing:
            raise ConfigError(f"answer templates missing in {prompts_dir}: {', '.join(missing)}")
        self.env = Environment(
            loader=FileSystemLoader(str(prompts_dir)),
            undefined=StrictUndefined,
            autoescape=False,  # plain text for agents; the web layer escapes when it renders HTML
            trim_blocks=False,
            keep_trailing_newline=False,
        )

    def answer(
        self,
        conclusion: str,
        basis: list[BasisLine],
        guidance: list[str],
        notices: list[str],
        as_of: date,
        release: int,
        verbosity: Verbosity,
    ) -> str:
        try:
            template = self.env.get_template("answer.md.j2")
        except TemplateNotFound as exc:  # removed while running
            raise ConfigError(f"answer template missing: {exc}") from exc
        return template.render(
            conclusion=conclusion,
            basis=basis,
            guidance=guidance,
            notices=notices,
            as_of_text=chinese_date(as_of),
            release=release,
            verbosity=str(verbosity),
        ).strip()

    def escalate(self, message: str, as_of: date, verbosity: Verbosity) -> str:
        template = self.env.get_template("escalate.md.j2")
        return template.render(
            message=message, as_of_text=chinese_date(as_of), verbosity=str(verbosity)
        ).strip()
