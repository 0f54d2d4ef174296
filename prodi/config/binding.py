"""Plan a run: bind every layer's stages to every item, collecting all problems (no JVM).

Every section of every declared layer is checked, so a broken bronze section fails a silver run
as well; the plan of the selected layer is what runs.
"""

from __future__ import annotations

from prodi.model.errors import ConfigError, unknown_key
from prodi.model.schema.app import AppConfig
from prodi.model.schema.layer import LayerCatalog, LayerSpec
from prodi.model.schema.pipeline import SectionSpec
from prodi.plugins.item import Item, items_of
from prodi.stages import STAGES
from prodi.stages.plan import ItemPlan


class Binder:
    """Binds items lazily; the columns each (layer, dataset) leaves feed the layers above it."""

    def __init__(self, app: AppConfig, catalog: LayerCatalog) -> None:
        self.app, self.catalog = app, catalog
        self.errors: list[ConfigError] = []
        self._plans: dict[tuple[str, str], ItemPlan] = {}
        self._columns: dict[tuple[str, str], list[str] | None] = {}

    def lineage(self, layer: str, name: str) -> list[str] | None:
        """The columns `name` has after `layer` (None: unknown before running)."""
        key = (layer, name)
        if key not in self._columns:
            self._columns[key] = None  # a cycle reads "unknown" instead of recursing
            if layer in self.catalog and name in items_of(self.app, self.catalog,
                                                           self.catalog.get(layer)):
                self.plan(self.catalog.get(layer), name)
        return self._columns[key]

    def plan(self, layer: LayerSpec, name: str) -> ItemPlan:
        key = (layer.name, name)
        if key in self._plans:
            return self._plans[key]
        item = self._item(layer, name)
        errors: list[ConfigError] = []
        stages = []
        for i, spec in enumerate(layer.stages):
            path = spec.path or f"stages[{i}]"
            try:
                cls = STAGES.get(spec.stage, f"{path}.stage")
            except ConfigError as exc:
                errors.append(exc)
                continue
            stage = cls.bind(spec.stage, spec.options, path, errors)
            if stage is not None:
                stage.prepare(item, errors)
                stages.append(stage)
        for stage in stages:
            stage.adapt(tuple(stages))
        columns: list[str] | None = None
        for stage in stages:
            columns = stage.columns(columns, errors)
        self._columns[key] = columns
        if isinstance(item.section, SectionSpec):
            errors += _unread_keys(item, [k for s in stages for k in s.section_keys()])
        source = self.catalog.sources.get(layer.name)
        for e in errors:
            if e.source is None and e.path.startswith("stages") and source:
                e.source = source
        self.errors += errors
        self._plans[key] = ItemPlan(item, tuple(stages))
        return self._plans[key]

    def _item(self, layer: LayerSpec, name: str) -> Item:
        pipeline = self.app.pipeline
        if layer.items == "marts":
            section, path = pipeline.marts[name], f"pipeline.marts.{name}"
        else:
            section = pipeline.datasets[name].section(layer.name)
            path = f"pipeline.datasets.{name}.{layer.name}"
        assert section is not None
        return Item(name, layer, section, path, self.app, self.catalog, self.lineage)


def plan_run(app: AppConfig, catalog: LayerCatalog, selected: list[str]
             ) -> tuple[list[ItemPlan], list[ConfigError]]:
    """The plans of the selected layer's `selected` items, and every problem in the pipeline."""
    binder = Binder(app, catalog)
    for layer in catalog:
        for name in items_of(app, catalog, layer):
            binder.plan(layer, name)
    errors = _unknown_sections(app, catalog) + binder.errors
    plans = [binder.plan(app.layer, name) for name in selected] if app.layer.name in catalog else []
    return plans, _unique(errors)


# Keys that answer the same question as one a stage reads: `dedupe` is how a section says it
# has no `sequence_by`, so whatever reads the sequence reads it too.
def _unread_keys(item: Item, read: list[str]) -> list[ConfigError]:
    assert isinstance(item.section, SectionSpec)
    return [ConfigError(f"{item.path}.{key}", f"a key the {item.layer.name} layer's stages read "
                                              f"({', '.join(sorted(set(read)))})",
                        "a key no stage of this layer reads")
            for key in item.section.keys_set() if key not in read]


def _unknown_sections(app: AppConfig, catalog: LayerCatalog) -> list[ConfigError]:
    known = ["description", *(x.name for x in catalog if x.items == "datasets")]
    return [unknown_key(f"pipeline.datasets.{name}.{section}", section, known)
            for name, ds in app.pipeline.datasets.items() for section in ds.sections
            if section not in known]


def _unique(errors: list[ConfigError]) -> list[ConfigError]:
    """One error per key path (two stages may both need the same key)."""
    seen: set[str] = set()
    unique = []
    for e in errors:
        if e.path not in seen:
            seen.add(e.path)
            unique.append(e)
    return unique
