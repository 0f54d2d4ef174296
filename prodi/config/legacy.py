"""The legacy single-file dialect: `cfg/<layer>/*.yml` merged over the composed Hydra config.

A legacy file is plain YAML. Its top-level `layer`, `cloud` and `env` may name a group choice
(`cloud: aws`) or be a mapping with a `name` (the choice) and keys to override. Everything else
is merged as it is, and the result goes through the same schema as any other config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from prodi.config.files import local_path
from prodi.model.errors import ConfigError, describe

SELECTABLE_GROUPS = ("layer", "cloud", "env", "pipeline")


@dataclass(frozen=True)
class LegacyFile:
    path: str  # as given (dbfs:/..., /Volumes/..., relative)
    selections: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


def read_legacy_file(path: str) -> LegacyFile:
    """Read and split a legacy file into group selections and the body to merge."""
    local = local_path(path)
    if local.suffix not in (".yml", ".yaml"):
        raise ConfigError("--config", "a .yml or .yaml file", repr(path), source=path)
    try:
        text = local.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = f" (read from {local})" if str(local) != path else ""
        raise ConfigError("--config", "an existing config file", f"no such file{hint}",
                          source=path) from None
    except OSError as exc:
        raise ConfigError("--config", "a readable config file", exc.strerror or str(exc),
                          source=path) from None
    try:
        data = yaml.load(text, Loader=_TextDatesLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise ConfigError("<root>", "valid YAML", f"a syntax error at {where}", source=path) from None
    if not isinstance(data, dict):
        raise ConfigError("<root>", "a mapping of config keys", describe(data), source=path)
    selections: dict[str, str] = {}
    body: dict[str, Any] = {}
    for key, value in data.items():
        if key in SELECTABLE_GROUPS and isinstance(value, str):
            selections[key] = value
        elif key in SELECTABLE_GROUPS and isinstance(value, dict) and isinstance(value.get("name"), str):
            selections[key] = value["name"]
            rest = {k: v for k, v in value.items() if k != "name"}
            if rest:
                body[key] = rest
        elif key in SELECTABLE_GROUPS and not isinstance(value, dict):
            raise ConfigError(str(key), f"the name of a `{key}` option, or a mapping of keys to set",
                              describe(value), source=path)
        else:
            body[str(key)] = value
    return LegacyFile(path=path, selections=selections, body=body)


class _TextDatesLoader(yaml.SafeLoader):
    """Safe YAML where `2026-01-01` stays text, as in Hydra's own configs (run.date is text)."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def contains_path(body: dict[str, Any], dotted: str) -> bool:
    """Whether the legacy body sets `dotted` (or one of its parents)."""
    node: Any = body
    for part in dotted.split("."):
        part = part.split("[", 1)[0]
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True
