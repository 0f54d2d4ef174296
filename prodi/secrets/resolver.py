"""Replacing secret references in config strings with their values, at the point of use.

Values are returned to the caller and recorded in the vault (for redaction); the resolver keeps
no other copy and never writes a value back onto a config object.
"""

from __future__ import annotations

from typing import Any

from prodi.model.tree import map_strings
from prodi.secrets.chain import ProviderChain
from prodi.secrets.errors import SecretError
from prodi.secrets.references import find_references, substitute
from prodi.secrets.vault import MASK, SecretVault


class SecretResolver:
    """Resolves references through a provider chain, recording every value in a vault."""

    def __init__(self, chain: ProviderChain, vault: SecretVault) -> None:
        self.chain = chain
        self.vault = vault

    def resolve(self, text: str, key_path: str) -> str:
        """`text` with every reference replaced by its value.

        `key_path` is where `text` sits in the config (e.g. `io.jdbc.url`); a failure raises the
        SecretError with `key_path` set, so the message names the key path and the reference.
        """
        values = self._lookup(text, key_path)
        return substitute(text, lambda ref: values[(ref.scope, ref.key)])

    def resolve_masked(self, text: str, key_path: str) -> str:
        """`text` with every reference replaced by `***`, after resolving it.

        Resolving first makes a missing or unreadable secret fail here, as it would at run time
        (`--cfg job --resolve`); the values themselves are only recorded in the vault.
        """
        self._lookup(text, key_path)
        return substitute(text, lambda ref: MASK)

    def resolve_tree(self, node: Any, key_path: str = "") -> Any:
        """A copy of a plain dict/list tree with every string's references resolved.

        Key paths are built as `a.b[0].c` under `key_path`. Non-string leaves are kept as is.
        """
        return map_strings(node, self.resolve, key_path)

    def mask_tree(self, node: Any, key_path: str = "") -> Any:
        """A copy of a plain tree with every reference resolved (so a missing one fails) and
        shown as `***`."""
        return map_strings(node, self.resolve_masked, key_path)

    def _lookup(self, text: str, key_path: str) -> dict[tuple[str, str], str]:
        """The value of each distinct reference in `text`, each recorded in the vault."""
        values: dict[tuple[str, str], str] = {}
        try:
            for ref in find_references(text):
                if (ref.scope, ref.key) not in values:
                    value = self.chain.get(ref)
                    self.vault.add(value)
                    values[(ref.scope, ref.key)] = value
        except SecretError as exc:
            failure = exc
        else:
            return values
        # No value left in this frame's locals for a traceback renderer (loguru's diagnose) to show.
        values.clear()
        value = ""
        raise self._located(failure, key_path)

    def _located(self, error: SecretError, key_path: str) -> SecretError:
        """`error` with its key path set, known values masked, and links to other exceptions cut.

        Providers already describe failures without values and raise without chaining; this is
        the last line of defence for an SDK message that quotes a value resolved earlier.
        """
        error.key_path = key_path
        error.redact_with(self.vault.redact)
        error.__cause__ = None
        error.__context__ = None
        error.__suppress_context__ = True
        return error.with_traceback(None)

