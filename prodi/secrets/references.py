"""The three secret reference syntaxes and their parsing.

`<<secrets/scope/key>>` (the design card), `{{secrets/scope/key}}` (Databricks) and
`${secret:scope/key}` (OmegaConf resolver). A reference may sit inside a longer string.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from prodi.secrets.errors import SecretError

_NAME = r"[A-Za-z0-9_.\-]+"
REFERENCE = re.compile(
    rf"<<secrets/(?P<a_scope>{_NAME})/(?P<a_key>{_NAME})>>"
    rf"|\{{\{{secrets/(?P<b_scope>{_NAME})/(?P<b_key>{_NAME})\}}\}}"
    rf"|\$\{{secret:(?P<c_scope>{_NAME})/(?P<c_key>{_NAME})\}}"
)
# Anything that starts like a reference; used to find malformed ones.
_OPENERS = re.compile(r"<<\s*secrets?\b|\{\{\s*secrets?\b|\$\{\s*secrets?\s*:")


@dataclass(frozen=True)
class SecretRef:
    """One reference found in a config string: which secret (`scope`, `key`) and how written."""

    scope: str
    key: str
    text: str  # as written in the config

    @property
    def canonical(self) -> str:
        """The reference in the `<<secrets/scope/key>>` syntax, for messages."""
        return f"<<secrets/{self.scope}/{self.key}>>"


class MalformedSecretReference(SecretError, ValueError):
    """A string looks like it holds a secret reference, but not in a valid syntax.

    A `SecretError` (so the resolver can attach the key path) and a `ValueError` (as before).
    """

    def __init__(self, fragment: str) -> None:
        self.fragment = fragment
        super().__init__(
            f"malformed secret reference near {fragment!r}; expected <<secrets/scope/key>>, "
            "{{secrets/scope/key}} or ${secret:scope/key} (scope and key: letters, digits, _ . -)"
        )


def find_references(text: str) -> list[SecretRef]:
    """Every well-formed reference in `text`, in order; raises on a malformed one."""
    refs = []
    for m in REFERENCE.finditer(text):
        scope = m.group("a_scope") or m.group("b_scope") or m.group("c_scope")
        key = m.group("a_key") or m.group("b_key") or m.group("c_key")
        refs.append(SecretRef(scope, key, m.group(0)))
    leftover = REFERENCE.sub("", text)
    bad = _OPENERS.search(leftover)
    if bad:
        raise MalformedSecretReference(leftover[bad.start() : bad.start() + 40])
    return refs


def has_reference(text: str) -> bool:
    """Whether `text` holds at least one well-formed reference (a cheap pre-check)."""
    return bool(REFERENCE.search(text))


def substitute(text: str, lookup: Callable[[SecretRef], str]) -> str:
    """Replace every reference in `text` with `lookup(ref)`."""

    def repl(m: re.Match[str]) -> str:
        return lookup(find_references(m.group(0))[0])

    return REFERENCE.sub(repl, text)
