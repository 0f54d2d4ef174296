"""The lineage graph of a composed config: sources outside the lakehouse, every dataset in every
layer, and marts with the tables their SQL reads (sqlglot). From config only, never from runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prodi.model.schema.app import AppConfig
from prodi.model.schema.layer import LayerCatalog, LayerSpec
from prodi.model.schema.pipeline import MartSpec
from prodi.model.sql import referenced_tables

# The option that best names where a source reads from, by the first one a source has.
_WHERE = ("path", "url", "table", "query", "topic")


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    group: str  # "source", or the layer's name


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)

    def add(self, node: Node) -> str:
        self.nodes.setdefault(node.id, node)
        return node.id

    def link(self, a: str, b: str) -> None:
        if (a, b) not in self.edges:
            self.edges.append((a, b))


def lineage(app: AppConfig, catalog: LayerCatalog) -> Graph:
    """Every item of every layer, linked to what it reads."""
    graph = Graph()
    pipeline = app.pipeline
    for layer in catalog:
        if layer.items == "marts":
            home = catalog.mart_layer()
            marts = {n: m for n, m in pipeline.marts.items() if (m.layer or home) == layer.name}
            for name, mart in marts.items():
                _mart(graph, layer, name, mart, set(marts))
            continue
        for name, dataset in pipeline.datasets.items():
            section = dataset.section(layer.name)
            if section is None:
                continue
            node = graph.add(Node(f"{layer.name}.{name}", name, layer.name))
            upstream = layer.upstream
            if upstream is not None and pipeline.datasets[name].section(upstream) is not None:
                graph.link(f"{upstream}.{name}", node)
            elif upstream is None:
                kind, where = source_origin(layer, section.source)
                label = f"{kind}: {where}" if where else kind
                graph.link(graph.add(Node(f"source.{layer.name}.{name}", label, "source")), node)
    return graph


def _mart(graph: Graph, layer: LayerSpec, name: str, mart: MartSpec, own: set[str]) -> None:
    """A mart reads marts of its own layer built before it, and its upstream layer's tables."""
    node = graph.add(Node(f"{layer.name}.{name}", name, layer.name))
    for table in sorted(referenced_tables(mart.sql)):
        if table in own:
            graph.link(f"{layer.name}.{table}", node)
        elif layer.upstream is not None:
            graph.link(f"{layer.upstream}.{table}", node)


def source_origin(layer: LayerSpec, declared: Any) -> tuple[str, str]:
    """A first layer's item reads from: its source type, and the option that best names where
    (a path, URL, table, query or topic; "" when it has none). Secret references unresolved."""
    kind, options = _source(layer, declared)
    return kind, next((str(options[k]) for k in _WHERE if options.get(k)), "")


def _source(layer: LayerSpec, declared: Any) -> tuple[str, dict[str, Any]]:
    """The source type and options of a layer's read stage, the item's declaration over it."""
    default: dict[str, Any] = next((dict(s.options.get("source") or {}) for s in layer.stages
                                    if s.stage == "read"), {})
    kind = default.pop("type", None) or "source"
    if declared is None:
        return kind, default
    if declared.type not in (None, kind):
        return declared.type, dict(declared.options)
    return kind, {**default, **declared.options}
