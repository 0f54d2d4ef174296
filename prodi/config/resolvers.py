"""OmegaConf resolvers prodi registers before composing."""

from __future__ import annotations

from omegaconf import OmegaConf


def _secret(ref: str) -> str:
    # `${secret:scope/key}` stays a reference: values are fetched only where they are used,
    # so a resolved or saved config never holds one.
    return f"<<secrets/{ref}>>"


def register_resolvers() -> None:
    """Register prodi's resolvers (idempotent)."""
    if not OmegaConf.has_resolver("secret"):
        OmegaConf.register_new_resolver("secret", _secret)
