"""A layer is declared in `conf/layer/<name>.yaml`: what it reads, its items, its stages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from prodi.model.errors import ConfigError, describe


@dataclass(frozen=True)
class StageSpec:
    """One stage of a layer: `{stage: <name>, ...options}` (e.g. `{stage: write, sink: {type: merge}}`)."""

    stage: str
    options: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    @classmethod
    def from_config(cls, data: Any, path: str, errors: list[ConfigError]) -> StageSpec | None:
        if isinstance(data, str):
            return cls(data, {}, path)
        if not isinstance(data, dict) or not isinstance(data.get("stage"), str):
            errors.append(ConfigError(path, "a stage name, or a mapping with a `stage` key and "
                                            "its options", describe(data)))
            return None
        return cls(data["stage"], {str(k): v for k, v in data.items() if k != "stage"}, path)


@dataclass(frozen=True)
class LayerSpec:
    name: str
    description: str = ""
    # The layer whose tables this one reads (None: it reads from outside the lakehouse).
    upstream: str | None = None
    # What the layer runs over: each dataset's section named after the layer, or the layer's marts.
    items: Literal["datasets", "marts"] = "datasets"
    # Whether a run date scopes what it reads and replaces. Undated layers are rebuilt whole,
    # so a backfill runs them once, after the dated ones.
    dated: bool = True
    stages: tuple[StageSpec, ...] = ()
    # Defaults for the layer's sections (each may set its own).
    on_schema_change: Literal["fail", "add_columns", "rescue"] = "rescue"
    max_quarantined_ratio: float | None = None


@dataclass(frozen=True)
class LayerCatalog:
    """Every declared layer, in dependency order (each after its upstream)."""

    layers: tuple[LayerSpec, ...]
    sources: dict[str, str] = field(default_factory=dict)  # layer -> the file that declares it

    def __iter__(self) -> Iterator[LayerSpec]:
        return iter(self.layers)

    def __contains__(self, name: object) -> bool:
        return any(layer.name == name for layer in self.layers)

    def names(self) -> list[str]:
        return [layer.name for layer in self.layers]

    def get(self, name: str) -> LayerSpec:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(name)

    def with_layer(self, layer: LayerSpec) -> LayerCatalog:
        """The catalog with `layer` as composed for this run (overrides applied)."""
        return LayerCatalog(tuple(layer if x.name == layer.name else x for x in self.layers),
                            self.sources)

    def mart_layer(self) -> str | None:
        """The first layer that runs marts: where a mart without `layer` belongs."""
        return next((x.name for x in self.layers if x.items == "marts"), None)

    def downstream_of(self, name: str) -> list[str]:
        """`name` and every layer that reads it, directly or not, in dependency order."""
        found = [name]
        for layer in self.layers:
            if layer.upstream in found and layer.name not in found:
                found.append(layer.name)
        return [x for x in self.names() if x in found]
