"""Turning an SDK exception into a short, value-free failure description."""

from __future__ import annotations

MAX_REASON = 300


def describe_failure(exc: BaseException) -> str:
    """`ExceptionType: first line of the message`, truncated.

    SDK errors describe auth, network and permission problems; they carry request details, not
    secret values (a provider never has the value when it fails). Only the first line is kept so
    that response bodies appended to some SDK messages stay out of logs.
    """
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if len(text) > MAX_REASON:
        text = text[: MAX_REASON - 3] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
