"""`--cfg job --resolve`: the composed config with every secret fetched (so a missing one fails)
and shown masked."""

from __future__ import annotations

import os
import sys

import yaml

from prodi.config.compose import composer
from prodi.config.load import resolved_tree
from prodi.secrets.registry import build_chain
from prodi.secrets.resolver import SecretResolver
from prodi.secrets.vault import SecretVault


def print_resolved(overrides: list[str], config_dir: str | None = None) -> None:
    """Print the job config, resolved, with secret values replaced by ***.

    Like Hydra's own `--cfg`, this shows the composed config without running (or validating) it,
    so extra keys such as `+probe=...` can be checked.
    """
    with composer(config_dir) as c:
        tree, _ = resolved_tree(c.compose(overrides), overrides)
    providers = tree.get("cloud", {}).get("secrets", {}).get("providers", [])
    chain = build_chain(providers, environ=os.environ, path="cloud.secrets.providers")
    resolver = SecretResolver(chain, SecretVault())
    sys.stdout.write(yaml.safe_dump(resolver.mask_tree(tree), sort_keys=False))

