"""Every secret value resolved in this process, and masking them out of text (logs, plans)."""

from __future__ import annotations

import base64
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"


def encoded_forms(value: str) -> set[str]:
    """The forms a value commonly shows up in: raw, URL-encoded and base64 (with/without `=`).

    URL-encoded: `quote` (keeping `/`), `quote` of everything, and `quote_plus`. Base64: the
    standard and URL-safe alphabets, padded and unpadded.
    """
    raw = value.encode("utf-8")
    forms = {value, quote(value), quote(value, safe=""), quote_plus(value)}
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode("ascii")
        forms.update({text, text.rstrip("=")})
    forms.discard("")
    return forms


class SecretVault:
    """Records resolved values and redacts them (and their encoded forms) with `***`.

    One vault per run, passed to whatever writes output (log sinks, plan printers). `add` and
    `redact` may be called from different threads. The vault never reveals what it holds: it has
    no accessor for the values, and its repr shows only a count.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._forms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, value: str) -> None:
        """Remember `value` so that `redact` masks it; empty values are ignored."""
        if not value:
            return
        with self._lock:
            if value in self._values:
                return
            self._values.add(value)
            self._forms |= encoded_forms(value)
            self._pattern = None  # rebuilt by the next redact, once per batch of adds

    def redact(self, text: str) -> str:
        """`text` with every recorded value, in every encoded form, replaced by `***`."""
        if not text:
            return text
        pattern = self._pattern  # one read: a concurrent add only ever swaps in a whole pattern
        if pattern is None:
            pattern = self._compile()
        return pattern.sub(MASK, text) if pattern is not None else text

    def _compile(self) -> re.Pattern[str] | None:
        """The alternation of every form, longest first (a value is masked whole before any
        shorter form inside it); None while the vault is empty."""
        with self._lock:
            if self._pattern is None and self._forms:
                ordered = sorted(self._forms, key=lambda f: (-len(f), f))
                self._pattern = re.compile("|".join(re.escape(f) for f in ordered))
            return self._pattern

    def __len__(self) -> int:
        return len(self._values)

    def __bool__(self) -> bool:
        return True  # an empty vault is still a vault (`if vault:` must not mean "has values")

    def __repr__(self) -> str:
        return f"SecretVault({len(self._values)} values)"
