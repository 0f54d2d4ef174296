"""Yes/no words accepted from environment variables and CLI flags."""

from __future__ import annotations

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def parse_bool_word(text: str, empty: bool | None = None) -> bool | None:
    """True/False for a known word (any case, trimmed); `empty` for ""; None when unknown."""
    value = text.strip().lower()
    if value == "":
        return empty
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    return None
