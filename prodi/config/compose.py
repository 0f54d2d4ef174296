"""Compose the Hydra config tree without running a Hydra app (validate, preflight, tests)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import yaml
from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException, MissingConfigException, OverrideParseException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError

from prodi.config.option_files import shown_path
from prodi.config.resolvers import register_resolvers
from prodi.model.errors import ConfigError, ConfigErrors, unknown_key

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
        if not self.config_dir:
            return []
        folder = os.path.abspath(os.path.expanduser(self.config_dir))
        if not os.path.isdir(folder):  # Hydra only warns, then misses the options put there
            raise ConfigError("--config-dir", "an existing config directory",
                              repr(self.config_dir), source="command line")
        shadowed = shadowed_options(folder)
        if shadowed:
            raise ConfigErrors([ConfigError(
                f"{group}/{name}", "a name of its own: Hydra reads prodi's packaged option of that "
                f"name first, so this file would be ignored (name it e.g. {group}/my_{name}.yaml, "
                f"with `defaults: [{name}, _self_]` to extend prodi's {name})",
                f"a file with the name of prodi's own conf/{group}/{name}.yaml",
                source=shown_path(os.path.join(folder, group, f"{name}.yaml")))
                for group, name in shadowed])
        return [f"hydra.searchpath=[file://{folder}]"]

    def compose(self, overrides: list[str]) -> DictConfig:
        """The composed config for these overrides, with `hydra.runtime.choices` kept."""
        try:
            return compose(CONFIG_NAME, overrides=[*overrides, *self.searchpath_overrides()],
                           return_hydra_config=True)
        except (HydraException, yaml.YAMLError) as exc:
            raise composition_error(exc) from None


def shadowed_options(folder: str) -> list[tuple[str, str]]:
    """The (group, name) of each option in a user's config dir that one of prodi's packaged
    options of the same group and name hides (Hydra searches the packaged tree first)."""
    packaged = resources.files(CONFIG_MODULE)
    return sorted((group.name, option.stem) for group in Path(folder).iterdir() if group.is_dir()
                  for option in group.glob("*.yaml")
                  if packaged.joinpath(group.name, option.name).is_file())


def composition_error(exc: Exception) -> ConfigError:
    """Turn Hydra's composition errors (override syntax, unknown group choice, missing `???`)
    into ConfigErrors."""
    text = str(exc).strip()
    if isinstance(exc, yaml.YAMLError):
        return yaml_error(exc)
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
    unknown = unknown_override(exc, text) or missing_delete(text)
    if unknown is not None:
        return unknown
    key = re.search(r"(?:Could not override|Error merging override|Could not append to config)"
                    r" '?([\w.\[\]+~-]+?)(?:=|'|$)", text)
    if key:
        name = key.group(1).lstrip("+~")
        return ConfigError(name, "a value of the type the config declares there", first,
                           source="command line")
    return ConfigError("<composition>", "a config Hydra can compose", first)


def yaml_error(exc: yaml.YAMLError) -> ConfigError:
    """A config file Hydra could not parse, named as the user knows it."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
    problem = getattr(exc, "problem", None)
    return ConfigError("<root>", "valid YAML", f"a syntax error at {where}"
                       + (f" ({problem})" if problem else ""),
                       source=shown_path(mark.name) if mark else None)


def unknown_override(exc: Exception, text: str) -> ConfigError | None:
    """An override of a key the config lacks, with the nearest known keys (`run.dat=1`: did you
    mean run.date?); None for any other composition error."""
    cause = exc.__cause__
    parent = getattr(cause, "parent_node", None)
    missing = str(getattr(cause, "full_key", "") or "")
    given = re.search(r"Could not override '([^']+)'", text)
    if not given or not missing or not isinstance(cause, (ConfigAttributeError, ConfigKeyError)) \
            or not isinstance(parent, DictConfig):
        return None
    key = given.group(1)
    head, _, name = missing.rpartition(".")
    rest = key[len(missing):] if key.startswith(missing) else ""
    known = [str(k) for k in parent.keys() if head or not str(k).startswith("hydra")]
    # `rn.date`: the suggestion keeps what follows the unknown part.
    error = unknown_key(key, name, known, prefix=f"{head}." if head else "", suffix=rest)
    append = re.search(r"To append to your config use (.+)$", text, re.MULTILINE)
    if append:  # Hydra's advice; the schema still rejects a key it doesn't declare
        error.got += f" (`{append.group(1)}` would add it)"
    error.source = f"command-line override {append.group(1)[1:]!r}" if append else "command line"
    return error


def missing_delete(text: str) -> ConfigError | None:
    """`~key` of a key the config lacks."""
    found = re.match(r"Could not delete from config\. '([^']+)' does not exist", text)
    if not found:
        return None
    return ConfigError(found.group(1), "an existing key to delete", "a key the config lacks",
                       source=f"command-line override '~{found.group(1)}'")


def choices_of(cfg: DictConfig) -> dict[str, str]:
    """The selected option of each config group, from Hydra's runtime info."""
    hydra = cfg.get("hydra")
    if hydra is None:
        return {}
    return {str(k): str(v) for k, v in OmegaConf.to_container(hydra.runtime.choices).items()
            if not str(k).startswith("hydra")}
