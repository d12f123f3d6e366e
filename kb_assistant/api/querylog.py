"""Query logging with personal numbers masked: ID-card, mobile phone and bank card numbers."""

from __future__ import annotations

import logging
import re

__all__ = ["log_query", "mask"]

log = logging.getLogger("kb_assistant.queries")

_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_BANK_CARD = re.compile(r"(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask(text: str) -> str:
    """ID cards keep region and check digits, cards and phones their first and last digits."""
    text = _ID_CARD.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    text = _BANK_CARD.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 8) + m.group(2), text)
    return _PHONE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def log_query(channel: str, question: str, mode: str, answer_id: str) -> None:
    log.info("channel=%s mode=%s answer=%s question=%s", channel, mode, answer_id, mask(question))
