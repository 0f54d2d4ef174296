"""Lazy imports of the optional cloud SDKs, with an actionable error when one is missing."""

from __future__ import annotations

import importlib
from types import ModuleType

from prodi.secrets.errors import MissingExtraError


def import_extra(module: str, *, extra: str, package: str) -> ModuleType:
    """Import `module` from an optional SDK, or raise MissingExtraError naming the pip command.

    Providers call this on first use, never at import time, so prodi works without any SDK.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        missing = exc.name or module
        detail = None if missing == module else f"importing {module} failed on {missing}"
        failure = MissingExtraError(extra, package, detail=detail)
    # Raised outside the except block so the ImportError is not chained onto it.
    raise failure
