"""`--cfg job --resolve`: the composed config with every secret fetched (so a missing one fails)
and shown masked."""

from __future__ import annotations

import os
import sys
from typing import Any

import yaml

from prodi.app.preflight import preflight
from prodi.secrets.registry import build_chain
from prodi.secrets.resolver import SecretResolver
from prodi.secrets.vault import SecretVault


def print_resolved(overrides: list[str], config_dir: str | None = None) -> None:
    """Print the job config, resolved, with secret values replaced by ***."""
    (loaded,) = preflight(overrides, config_dir)
    chain = build_chain(list(loaded.app.cloud.secrets.providers), environ=os.environ)
    resolver = SecretResolver(chain, SecretVault())
    masked = _mask(loaded.tree, "", resolver)
    sys.stdout.write(yaml.safe_dump(masked, sort_keys=False))


def _mask(node: Any, path: str, resolver: SecretResolver) -> Any:
    if isinstance(node, dict):
        return {k: _mask(v, f"{path}.{k}" if path else str(k), resolver) for k, v in node.items()}
    if isinstance(node, list):
        return [_mask(v, f"{path}[{i}]", resolver) for i, v in enumerate(node)]
    if isinstance(node, str):
        return resolver.resolve_masked(node, path)
    return node
