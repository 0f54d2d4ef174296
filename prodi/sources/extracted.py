"""Rows read from a system outside the lakehouse (a database, an API, another Delta table) land
in raw as delivered: every value as text, with where it came from.

`_source_file` names the origin (a JDBC URL without credentials and the table, a page URL, a
table path), `_record_number` is the record's position in the extract (unique and increasing,
not consecutive across partitions) and `_landed_date` is the run date, or today (UTC).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from prodi.model.columns import LANDED_DATE, RECORD_NUMBER, SOURCE_FILE
from prodi.plugins.run import StageRun

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def landed_date(run: StageRun) -> str:
    """The date rows extracted in this run land under: the run date, else today (UTC)."""
    return run.item.run_date or dt.datetime.now(dt.timezone.utc).date().isoformat()


def as_text(df: DataFrame) -> DataFrame:
    """Every column as plain text: scalars cast (exact for numbers, dates and timestamps),
    nested values as JSON. Bronze types them again from the dataset's declared columns."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, MapType, StructType

    def text(name: str, kind: object) -> object:
        column = F.col(f"`{name}`")
        if isinstance(kind, (ArrayType, MapType, StructType)):
            column = F.to_json(column)
        # A cast even of text: it drops the column's metadata, where a JDBC VARCHAR(n) would
        # otherwise make Delta enforce n on raw's text column.
        return column.cast("string").alias(name)

    return df.select(*[text(f.name, f.dataType) for f in df.schema.fields])


def with_origin(df: DataFrame, origin: str, landed: str) -> DataFrame:
    """`df` with the ingestion columns raw keeps for every record."""
    from pyspark.sql import functions as F

    return df.withColumns({SOURCE_FILE: F.lit(origin), LANDED_DATE: F.lit(landed),
                           RECORD_NUMBER: F.monotonically_increasing_id() + 1})
