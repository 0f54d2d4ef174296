"""Semantic checks the types alone can't express: references, columns, SQL, dates, secrets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from prodi.config.errors import ConfigError
from prodi.config.run_dates import normalize_run_date
from prodi.config.schema.app import AppConfig
from prodi.config.schema.pipeline import DatasetSpec, ExpectationSpec, PipelineSpec
from prodi.config.schema.steps import (
    CastStep,
    ColumnsStep,
    DeriveStep,
    DropStep,
    FillNullStep,
    FilterStep,
    RenameStep,
    StepSpec,
)
from prodi.config.sql_check import referenced_columns, referenced_tables, sql_problem
from prodi.secrets.references import MalformedSecretReference, find_references
from prodi.secrets.registry import validate_specs

_SIMPLE_TYPES = {
    "string", "int", "integer", "bigint", "long", "smallint", "short", "tinyint", "byte",
    "double", "float", "real", "boolean", "bool", "date", "timestamp", "timestamp_ntz", "binary",
}
_DECIMAL = re.compile(r"^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$")


def semantic_errors(app: AppConfig, container: dict[str, Any]) -> list[ConfigError]:
    """Every semantic problem in a typed config; empty when it is runnable."""
    errors: list[ConfigError] = []
    errors += _selection_errors(app)
    errors += _run_errors(app)
    for name, ds in app.pipeline.datasets.items():
        errors += _dataset_errors(name, ds)
    errors += _mart_errors(app.pipeline)
    errors += _secret_reference_errors(container, "")
    errors += [ConfigError(e.path, e.expected, e.got)
               for e in validate_specs(list(app.cloud.secrets.providers), path="cloud.secrets.providers")]
    return errors


def layer_domain(app: AppConfig) -> list[str]:
    """The datasets (or, for gold, marts) the selected layer runs, in config order."""
    layer = app.layer.name
    if layer == "gold":
        names = list(app.pipeline.marts)
    else:
        names = [n for n, ds in app.pipeline.datasets.items() if getattr(ds, layer) is not None]
    if app.datasets:
        return [n for n in names if n in app.datasets]
    return names


def _selection_errors(app: AppConfig) -> list[ConfigError]:
    layer = app.layer.name
    known = app.pipeline.marts if layer == "gold" else app.pipeline.datasets
    what = "a mart of pipeline.marts" if layer == "gold" else "a dataset of pipeline.datasets"
    errors = []
    for i, name in enumerate(app.datasets):
        if name not in known:
            errors.append(ConfigError(f"datasets[{i}]", f"{what} ({', '.join(known) or 'none'})",
                                      repr(name)))
        elif layer != "gold" and getattr(app.pipeline.datasets[name], layer) is None:
            errors.append(ConfigError(f"datasets[{i}]", f"a dataset with a `{layer}` section",
                                      f"{name!r}, which has none"))
    return errors


def _run_errors(app: AppConfig) -> list[ConfigError]:
    try:
        normalize_run_date(app.run.date)
    except ValueError:
        return [ConfigError("run.date", "an ISO date YYYY-MM-DD, `today` (UTC) or `all`",
                            repr(app.run.date))]
    return []


def _dataset_errors(name: str, ds: DatasetSpec) -> list[ConfigError]:
    base = f"pipeline.datasets.{name}"
    errors: list[ConfigError] = []
    if ds.bronze is not None and ds.raw is None:
        errors.append(ConfigError(f"{base}.raw", "a raw section (bronze reads the raw table)",
                                  "nothing"))
    if ds.silver is not None and ds.bronze is None:
        errors.append(ConfigError(f"{base}.bronze", "a bronze section (silver reads the bronze table)",
                                  "nothing"))
    if ds.raw is not None and ds.raw.source.date_pattern is not None:
        try:
            re.compile(ds.raw.source.date_pattern)
        except re.error as exc:
            errors.append(ConfigError(f"{base}.raw.source.date_pattern", "a valid regular expression",
                                      f"{ds.raw.source.date_pattern!r} ({exc})"))
    if ds.bronze is None:
        return errors
    columns: list[str] = []
    for i, col in enumerate(ds.bronze.columns):
        if not _valid_type(col.type):
            errors.append(ConfigError(f"{base}.bronze.columns[{i}].type",
                                      "a Spark type (string, int, bigint, double, decimal(p,s), "
                                      "date, timestamp, boolean, ...)", repr(col.type)))
        if col.name in columns:
            errors.append(ConfigError(f"{base}.bronze.columns[{i}].name", "a unique column name",
                                      f"{col.name!r} again"))
        columns.append(col.name)
    errors += _expectation_errors(f"{base}.bronze.expectations", ds.bronze.expectations, columns)
    if ds.silver is None:
        return errors
    silver = ds.silver
    columns = [*columns, "_source_file", "_landed_date", "_ingested_at", "_run_id"]
    after, step_errors = _lineage(f"{base}.silver.steps", silver.steps, columns)
    errors += step_errors
    errors += _expectation_errors(f"{base}.silver.expectations", silver.expectations, after)
    if not silver.keys:
        errors.append(ConfigError(f"{base}.silver.keys", "at least one business key column", "[]"))
    for field_name, names in (("keys", silver.keys), ("partition_by", silver.partition_by)):
        for i, col in enumerate(names):
            if col not in after:
                errors.append(_unknown_column(f"{base}.silver.{field_name}[{i}]", col, after))
    if silver.sequence_by is not None and silver.sequence_by not in after:
        errors.append(_unknown_column(f"{base}.silver.sequence_by", silver.sequence_by, after))
    return errors


def _valid_type(type_text: str) -> bool:
    t = type_text.strip().lower()
    m = _DECIMAL.match(t)
    if m:
        precision, scale = int(m.group(1)), int(m.group(2))
        return 0 < precision <= 38 and scale <= precision
    return t in _SIMPLE_TYPES


def _unknown_column(path: str, col: str, known: Iterable[str]) -> ConfigError:
    return ConfigError(path, f"a column of the dataset ({', '.join(known)})", repr(col))


def _expr_errors(path: str, expression: str, columns: list[str]) -> list[ConfigError]:
    problem = sql_problem(expression, expression=True)
    if problem:
        return [ConfigError(path, "a Spark SQL expression", f"{expression!r}: {problem}")]
    return [_unknown_column(path, c, columns) for c in sorted(referenced_columns(expression))
            if c not in columns]


def _expectation_errors(path: str, rules: tuple[ExpectationSpec, ...], columns: list[str]
                        ) -> list[ConfigError]:
    errors = []
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.name in seen:
            errors.append(ConfigError(f"{path}[{i}].name", "a unique rule name", repr(rule.name)))
        seen.add(rule.name)
        errors += _expr_errors(f"{path}[{i}].expr", rule.expr, columns)
    return errors


def _lineage(path: str, steps: tuple[StepSpec, ...], columns: list[str]
             ) -> tuple[list[str], list[ConfigError]]:
    """The columns after the steps, and errors for steps that name columns that don't exist."""
    cols = list(columns)
    errors: list[ConfigError] = []
    for i, step in enumerate(steps):
        p, params = f"{path}[{i}]", step.params
        if isinstance(params, (ColumnsStep, DropStep)):
            errors += [_unknown_column(f"{p}.columns[{j}]", c, cols)
                       for j, c in enumerate(params.columns) if c not in cols]
            if isinstance(params, DropStep):
                cols = [c for c in cols if c not in params.columns]
        elif isinstance(params, (CastStep, FillNullStep)):
            mapping = params.columns if isinstance(params, CastStep) else params.values
            field_name = "columns" if isinstance(params, CastStep) else "values"
            errors += [_unknown_column(f"{p}.{field_name}.{c}", c, cols) for c in mapping if c not in cols]
            if isinstance(params, CastStep):
                errors += [ConfigError(f"{p}.columns.{c}", "a Spark type", repr(t))
                           for c, t in params.columns.items() if not _valid_type(t)]
        elif isinstance(params, RenameStep):
            for old, new in params.columns.items():
                if old not in cols:
                    errors.append(_unknown_column(f"{p}.columns.{old}", old, cols))
                else:
                    cols[cols.index(old)] = new
        elif isinstance(params, DeriveStep):
            for new, expression in params.columns.items():
                errors += _expr_errors(f"{p}.columns.{new}", expression, cols)
            cols += [c for c in params.columns if c not in cols]
        elif isinstance(params, FilterStep):
            errors += _expr_errors(f"{p}.condition", params.condition, cols)
    return cols, errors


def _mart_errors(pipeline: PipelineSpec) -> list[ConfigError]:
    errors = []
    views = set(pipeline.datasets) | set(pipeline.marts)
    for name, mart in pipeline.marts.items():
        path = f"pipeline.marts.{name}.sql"
        problem = sql_problem(mart.sql, expression=False)
        if problem:
            errors.append(ConfigError(path, "one Spark SQL query", problem))
            continue
        for table in sorted(referenced_tables(mart.sql) - views):
            errors.append(ConfigError(path, f"tables that are datasets or marts "
                                            f"({', '.join(sorted(views))})",
                                      f"a reference to {table!r}"))
    return errors


def _secret_reference_errors(node: Any, path: str) -> list[ConfigError]:
    if isinstance(node, dict):
        return [e for k, v in node.items()
                for e in _secret_reference_errors(v, f"{path}.{k}" if path else str(k))]
    if isinstance(node, list):
        return [e for i, v in enumerate(node) for e in _secret_reference_errors(v, f"{path}[{i}]")]
    if isinstance(node, str):
        try:
            find_references(node)
        except MalformedSecretReference as exc:
            return [ConfigError(path, "well-formed secret references", str(exc).split(";")[0])]
    return []
