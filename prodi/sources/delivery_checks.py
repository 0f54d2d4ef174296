"""Which delivered records can be ingested, and what the schema-drift policy does with the rest.

- A record the reader can't parse is quarantined with its raw text (`parseable_<format>`).
- A record with bytes that don't decode in the declared encoding (the reader turned them into
  U+FFFD) is quarantined (`decodes_as_<encoding>`).
- A file that lacks a declared column: its records are quarantined (`has_declared_columns`), or
  the run fails with `on_schema_change: fail`.
- Columns nobody declared: `rescue` keeps them as JSON in `_rescued_data`, `add_columns` keeps
  them as columns, `fail` stops the run naming the file and the columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prodi.checks.quarantine import Failure, errors_column, quarantine_rows
from prodi.model.columns import CORRUPT, ERRORS, RESCUED, SOURCE_FILE
from prodi.model.errors import DataError
from prodi.model.schema.pipeline import SectionSpec
from prodi.plugins.run import StageRun

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

    from prodi.io.landing import LandedFile

REPLACEMENT = "\ufffd"


class SchemaDriftError(DataError):
    """Delivered columns differ from the declared ones and the policy says to fail."""


def split_delivery(run: StageRun, fmt: str, reader: dict[str, str], files: list[LandedFile]
                   ) -> tuple[DataFrame, dict[str, tuple[int, int]]]:
    """The records to ingest; the rest queued for quarantine. Also sets the rows read, and
    returns per file (records delivered, quarantined) for the ledger."""
    from pyspark.sql import functions as F

    from prodi.io.delivered import ORDER, read_delivery, split_of, with_record_numbers

    declared = run.item.declared_columns()
    delivery = read_delivery(run.spark, fmt, reader, files, declared or [])
    # Not cached: parsing the files again for the write costs less than caching every record,
    # and the record numbers come from the splits, which are the same each time.
    records = delivery.records
    delivered = [c for c in records.columns if not c.startswith("_")]
    policy = _policy(run)
    missing = _missing_by_file(delivery.columns, declared)
    unexpected = [c for c in delivered if declared is not None and c not in declared]
    if policy == "fail":
        _fail_on_drift(run, records, missing, unexpected)
    encoding = reader.get("encoding", reader.get("charset", "UTF-8"))
    failures = _failures(records, fmt, encoding, delivered, missing)
    bad = F.lit(False)
    for flag, _ in failures:
        bad = bad | flag
    stats = records.groupBy(SOURCE_FILE, split_of().alias("split")).agg(
        F.count(F.lit(1)).alias("n"), F.sum(bad.cast("int")).alias("bad"),
        F.min(ORDER).alias("first")).collect()
    per_file: dict[str, tuple[int, int]] = {}
    for r in stats:
        n, b = per_file.get(r[SOURCE_FILE], (0, 0))
        per_file[r[SOURCE_FILE]] = (n + int(r["n"]), b + int(r["bad"] or 0))
    records = with_record_numbers(records, [(r[SOURCE_FILE], int(r["split"]), int(r["first"]),
                                             int(r["n"])) for r in stats])
    run.rows_read = sum(n for n, _ in per_file.values())
    quarantined = sum(b for _, b in per_file.values())
    run.rows_current = run.rows_read - quarantined
    if quarantined:
        bad_rows = records.filter(bad).withColumn(ERRORS, errors_column(failures))
        run.quarantine.append(quarantine_rows(bad_rows, F.col(ERRORS), delivered, run.run_id,
                                              raw_record=F.col(CORRUPT)))
    good = records.filter(~bad).drop(CORRUPT)
    if unexpected and policy == "rescue":
        good = good.withColumn(RESCUED, _rescued(unexpected)).drop(*unexpected)
    return good, per_file


def _policy(run: StageRun) -> str:
    section = run.item.section
    own = section.on_schema_change if isinstance(section, SectionSpec) else None
    return own or run.item.layer.on_schema_change


def _missing_by_file(columns: dict[str, list[str]], declared: list[str] | None
                     ) -> dict[str, list[str]]:
    """Per file (from its header), the declared columns it lacks."""
    if declared is None:
        return {}
    missing = {path: [c for c in declared if c not in names] for path, names in columns.items()}
    return {path: cols for path, cols in missing.items() if cols}


def _failures(records: DataFrame, fmt: str, encoding: str, delivered: list[str],
              missing: dict[str, list[str]]) -> list[tuple[Column, Failure]]:
    from pyspark.sql import functions as F

    text = [F.coalesce(F.col(f"`{c}`").cast("string"), F.lit("")) for c in [*delivered, CORRUPT]]
    failures = [
        (F.col(CORRUPT).isNotNull(),
         Failure(f"parseable_{fmt}", f"the {fmt} reader could parse the record", ())),
        (F.concat(*text).contains(REPLACEMENT),
         Failure(f"decodes_as_{encoding.lower().replace('-', '_')}",
                 f"every byte decodes as {encoding}", tuple(delivered))),
    ]
    by_columns: dict[tuple[str, ...], list[str]] = {}
    for path, cols in missing.items():
        by_columns.setdefault(tuple(cols), []).append(path)
    for cols, paths in by_columns.items():
        failures.append((F.col(SOURCE_FILE).isin(paths),
                         Failure("has_declared_columns",
                                 f"the file's header has the declared column(s) {', '.join(cols)}",
                                 cols)))
    return failures


def _fail_on_drift(run: StageRun, records: DataFrame, missing: dict[str, list[str]],
                   unexpected: list[str]) -> None:
    from pyspark.sql import functions as F

    where = f"{run.item.path}.on_schema_change (or the layer's on_schema_change)"
    for path, cols in missing.items():
        raise SchemaDriftError(f"dataset {run.item.name!r}: file {path} lacks the declared "
                               f"column(s) {cols}; on_schema_change: fail at {where} "
                               "(rescue or add_columns quarantine its records instead)")
    if unexpected:
        having = F.lit(False)
        for c in unexpected:
            having = having | F.col(f"`{c}`").isNotNull()
        first = records.filter(having).select(SOURCE_FILE).limit(1).collect()
        if first:
            raise SchemaDriftError(
                f"dataset {run.item.name!r}: file {first[0][SOURCE_FILE]} has column(s) "
                f"{unexpected} that are not declared; on_schema_change: fail at {where} "
                "(rescue keeps them in _rescued_data, add_columns as new columns)")


def _rescued(unexpected: list[str]) -> Column:
    """The undeclared values of a record as JSON (NULL when it has none)."""
    from pyspark.sql import functions as F

    values = F.struct(*[F.col(f"`{c}`").alias(c) for c in unexpected])
    json = F.to_json(values)
    return F.when(json == "{}", None).otherwise(json)
