"""A reference to a registered class in YAML: `{type: <name>, ...options}`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prodi.model.errors import ConfigError, describe


@dataclass(frozen=True)
class PluginSpec:
    """A source, step, check or sink as written in YAML.

    `type` names a registered class (None: the layer's default); `options` are checked against
    that class's options when the run is planned, with `path` naming where they were written.
    """

    type: str | None
    options: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    @classmethod
    def from_config(cls, data: Any, path: str, errors: list[ConfigError]) -> PluginSpec | None:
        if not isinstance(data, dict):
            errors.append(ConfigError(path, "a mapping with a `type` key and its options",
                                      describe(data)))
            return None
        kind = data.get("type")
        if kind is not None and not isinstance(kind, str):
            errors.append(ConfigError(f"{path}.type", "the name of a registered type", describe(kind)))
            return None
        return cls(kind, {str(k): v for k, v in data.items() if k != "type"}, path)

    def with_defaults(self, default: PluginSpec) -> PluginSpec:
        """Options without a `type` extend the default's (same type); a `type` replaces it."""
        if self.type is not None and self.type != default.type:
            return self
        return PluginSpec(default.type, {**default.options, **self.options}, self.path)
