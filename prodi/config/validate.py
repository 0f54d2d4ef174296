"""Semantic checks the types alone can't express: the layer, selections, dates, secrets, and
every stage bound to every item (see `binding`)."""

from __future__ import annotations

from typing import Any

from prodi.config.binding import plan_run
from prodi.model.errors import ConfigError
from prodi.model.schema.app import AppConfig
from prodi.model.schema.layer import LayerCatalog
from prodi.model.tree import map_strings
from prodi.plugins.item import items_of
from prodi.secrets.references import MalformedSecretReference, find_references
from prodi.secrets.registry import validate_specs
from prodi.stages.plan import ItemPlan


def check(app: AppConfig, container: dict[str, Any], catalog: LayerCatalog
          ) -> tuple[list[ItemPlan], list[ConfigError]]:
    """The plan of the selected items, and every problem in the config (empty when runnable)."""
    errors: list[ConfigError] = []
    if app.layer.name not in catalog:
        errors.append(ConfigError("layer.name", f"a declared layer ({', '.join(catalog.names())})",
                                  repr(app.layer.name)))
    else:
        catalog = catalog.with_layer(app.layer)
        errors += _selection_errors(app, catalog)
    errors += _mart_layer_errors(app, catalog)
    errors += _table_name_errors(app)
    errors += _secret_reference_errors(container)
    errors += [ConfigError(e.path, e.expected, e.got)
               for e in validate_specs(list(app.cloud.secrets.providers), path="cloud.secrets.providers")]
    known = app.layer.name in catalog
    plans, binding_errors = plan_run(app, catalog, selected_items(app, catalog) if known else [])
    errors += binding_errors
    return ([] if errors else plans), errors


def selected_items(app: AppConfig, catalog: LayerCatalog) -> list[str]:
    """The items (datasets or marts) the selected layer runs, in config order."""
    names = items_of(app, catalog, app.layer)
    return [n for n in names if n in app.datasets] if app.datasets else names


def _selection_errors(app: AppConfig, catalog: LayerCatalog) -> list[ConfigError]:
    layer = app.layer
    items = items_of(app, catalog, layer)
    if layer.items == "marts":
        what = f"a mart of pipeline.marts built by {layer.name}"
    else:
        what = f"a dataset of pipeline.datasets with a `{layer.name}` section"
    return [ConfigError(f"datasets[{i}]", f"{what} ({', '.join(items) or 'none'})", repr(name))
            for i, name in enumerate(app.datasets) if name not in items]


def _mart_layer_errors(app: AppConfig, catalog: LayerCatalog) -> list[ConfigError]:
    mart_layers = [x.name for x in catalog if x.items == "marts"]
    return [ConfigError(f"pipeline.marts.{name}.layer", f"a layer that builds marts "
                                                        f"({', '.join(mart_layers) or 'none'})",
                        repr(mart.layer))
            for name, mart in app.pipeline.marts.items()
            if mart.layer is not None and mart.layer not in mart_layers]


def _table_name_errors(app: AppConfig) -> list[ConfigError]:
    """A catalog alone names no schema to put the tables in."""
    if app.cloud.catalog and not app.cloud.schema:
        return [ConfigError("cloud.schema", f"the schema of catalog {app.cloud.catalog} the "
                            "tables go in (cloud.catalog is set), or cloud.catalog: null for "
                            "tables by path", "null")]
    return []


def _secret_reference_errors(container: dict[str, Any]) -> list[ConfigError]:
    errors: list[ConfigError] = []

    def check_text(text: str, path: str) -> str:
        try:
            find_references(text)
        except MalformedSecretReference as exc:
            errors.append(ConfigError(path, "well-formed secret references", str(exc).split(";")[0]))
        return text

    map_strings(container, check_text)
    return errors
