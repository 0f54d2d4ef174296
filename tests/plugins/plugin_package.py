"""The source of `prodi-test-plugin`: a step, a source and a sink, as a plug-in author writes them."""

SOURCE = '''
"""A prodi plug-in: rows given inline, a constant column, and a CSV export."""
from dataclasses import dataclass

from prodi.sinks import Sink, Written
from prodi.sources import Source
from prodi.steps import Step


@dataclass(frozen=True)
class InlineRowsOptions:
    rows: tuple[dict[str, str], ...]
    landed_date: str


class InlineRows(Source):
    """Records written in the config, as one delivery of `landed_date`."""

    Options = InlineRowsOptions

    def describe(self):
        return f"{len(self.options.rows)} inline row(s)"

    def read(self, run):
        from pyspark.sql import functions as F

        columns = sorted({key for row in self.options.rows for key in row})
        df = run.spark.createDataFrame([tuple(r.get(c) for c in columns) for r in self.options.rows],
                                       ", ".join(f"`{c}` string" for c in columns))
        return df.withColumns({"_source_file": F.lit("inline"),
                               "_landed_date": F.lit(self.options.landed_date)})


@dataclass(frozen=True)
class ConstantOptions:
    column: str
    value: str


class AddConstant(Step):
    Options = ConstantOptions

    def columns_after(self, columns, errors):
        return [*columns, self.options.column]

    def apply(self, df):
        from pyspark.sql import functions as F

        return df.withColumn(self.options.column, F.lit(self.options.value))


@dataclass(frozen=True)
class CsvOptions:
    path: str
    partition_by: tuple[str, ...] = ()


class CsvExport(Sink):
    """Replaces a folder of CSV files with the rows (no metadata columns)."""

    Options = CsvOptions

    def describe(self):
        return f"csv export to {self.options.path}"

    def write(self, df, run):
        visible = df.select(*[c for c in df.columns if not c.startswith("_")])
        visible.coalesce(1).write.mode("overwrite").option("header", "true").csv(self.options.path)
        return Written(visible.count())
'''

PYPROJECT = '''
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "prodi-test-plugin"
version = "0.1"

[tool.setuptools]
py-modules = ["prodi_test_plugin"]

[project.entry-points."prodi.sources"]
inline_rows = "prodi_test_plugin:InlineRows"

[project.entry-points."prodi.steps"]
add_constant = "prodi_test_plugin:AddConstant"

[project.entry-points."prodi.sinks"]
csv_export = "prodi_test_plugin:CsvExport"
'''
