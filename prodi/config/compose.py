"""Compose the Hydra config tree without running a Hydra app (validate, preflight, tests)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException, MissingConfigException, OverrideParseException
from omegaconf import DictConfig, OmegaConf

from prodi.config.resolvers import register_resolvers
from prodi.model.errors import ConfigError

CONFIG_MODULE = "prodi.conf"
CONFIG_NAME = "config"


@contextmanager
def composer(config_dir: str | None = None) -> Iterator[Composer]:
    """A Hydra compose context over prodi's packaged tree (plus a user config dir)."""
    register_resolvers()
    already = GlobalHydra.instance().is_initialized()
    if already:
        GlobalHydra.instance().clear()
    with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
        yield Composer(config_dir)


class Composer:
    def __init__(self, config_dir: str | None) -> None:
        self.config_dir = config_dir

    def searchpath_overrides(self) -> list[str]:
        """The override that adds the user's config dir to Hydra's search path."""
        return ([f"hydra.searchpath=[file://{os.path.abspath(self.config_dir)}]"]
                if self.config_dir else [])

    def compose(self, overrides: list[str]) -> DictConfig:
        """The composed config for these overrides, with `hydra.runtime.choices` kept."""
        try:
            return compose(CONFIG_NAME, overrides=[*overrides, *self.searchpath_overrides()],
                           return_hydra_config=True)
        except HydraException as exc:
            raise composition_error(exc) from None


def composition_error(exc: Exception) -> ConfigError:
    """Turn Hydra's composition errors (override syntax, unknown group choice, missing `???`)
    into ConfigErrors."""
    text = str(exc).strip()
    if isinstance(exc, OverrideParseException):
        return ConfigError("<command line>", "valid Hydra overrides (key=value, +key=value, ~key)",
                           text.splitlines()[0], source="command line")
    if isinstance(exc, MissingConfigException) and exc.missing_cfg_file:
        group, _, choice = str(exc.missing_cfg_file).rpartition("/")
        options = ", ".join(exc.options or []) or "see conf/" + group
        if group:
            return ConfigError(group, f"one of: {options}", repr(choice), source="command line")
    if "You must specify" in text and "'" in text:
        group = text.split("'")[1]
        return ConfigError(group, f"a choice for the `{group}` group, e.g. {group}=<name>",
                           "nothing (required)", source="conf/config.yaml")
    first = text.splitlines()[0] if text else type(exc).__name__
    key = re.search(r"(?:Could not override|Error merging override|Could not append to config)"
                    r" '?([\w.\[\]+~-]+?)(?:=|'|$)", text)
    if key:
        name = key.group(1).lstrip("+~")
        return ConfigError(name, "a value of the type the config declares there", first,
                           source="command line")
    return ConfigError("<composition>", "a config Hydra can compose", first)


def choices_of(cfg: DictConfig) -> dict[str, str]:
    """The selected option of each config group, from Hydra's runtime info."""
    hydra = cfg.get("hydra")
    if hydra is None:
        return {}
    return {str(k): str(v) for k, v in OmegaConf.to_container(hydra.runtime.choices).items()
            if not str(k).startswith("hydra")}
