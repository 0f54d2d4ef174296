"""Run dates: `today` (UTC), `all`, an ISO date, and ranges of them for backfills."""

from __future__ import annotations

import datetime as dt
import re

ALL = "all"
TODAY = "today"
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso(value: str) -> dt.date:
    """An ISO date; raises ValueError with what was expected."""
    if not _ISO.fullmatch(value):
        raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"expected a real calendar date YYYY-MM-DD, got {value!r}") from None


def normalize_run_date(value: str | None, today: dt.date | None = None) -> str | None:
    """The concrete run date (ISO), or None for `all` (every landed date)."""
    if value is None or value == ALL:
        return None
    if value == TODAY:
        return (today or dt.datetime.now(dt.timezone.utc).date()).isoformat()
    return parse_iso(value).isoformat()


def date_range(start: str, end: str) -> list[str]:
    """Every date from `start` to `end`, both included."""
    first, last = parse_iso(start), parse_iso(end)
    if last < first:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
