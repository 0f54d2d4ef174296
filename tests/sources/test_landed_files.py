"""Landed files beyond one flat folder of CSV lines: parquet, multiLine CSV and JSON, and dates
spelled as folders. Expected rows are written out by hand from the files below."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prodi.cli.main import main
from prodi.io.landing import LandingFolder, date_pattern_problem, landed_date

D = "2026-01-03"
N_NOTES, N_DOCS = 1000, 600  # records in the multiLine CSV file and the JSON array
PIPELINE = r"""
name: files
datasets:
  typed:
    raw: {source: {format: parquet, path: "${cloud.storage.landing}/typed", glob: "*.parquet",
                   date_pattern: '\d{4}-\d{2}-\d{2}'}}
    bronze: {columns: [{name: n, type: bigint}, {name: amount, type: "decimal(12,2)"},
                       {name: ratio, type: double}, {name: flag, type: boolean},
                       {name: day, type: date}, {name: at, type: timestamp}]}
  notes:
    raw: {source: {format: csv, path: "${cloud.storage.landing}/notes", glob: "*.csv",
                   date_pattern: '\d{4}-\d{2}-\d{2}', options: {header: "true", multiLine: "true"}}}
    bronze: {columns: [{name: id, type: string}, {name: note, type: string}, {name: qty, type: int}]}
  docs:
    raw: {source: {format: json, path: "${cloud.storage.landing}/docs", glob: "*.json",
                   date_pattern: '\d{4}-\d{2}-\d{2}', options: {multiLine: "true"}}}
    bronze: {columns: [{name: id, type: string}, {name: qty, type: string},
                       {name: tags, type: string}]}
  nested:
    raw: {source: {format: csv, path: "${cloud.storage.landing}/nested", glob: "*.csv",
                   recursive: true, date_pattern: '(\d{4})/(\d{2})/(\d{2})',
                   options: {header: "true"}}}
    bronze: {columns: [{name: id, type: string}, {name: qty, type: int}]}
"""

NOTES = ('id,note,qty\n'
         '1,"first line\nsecond line",10\n'
         '2,plain,20\n'
         '3,"say ""hi""\nand ""bye""",30\n'
         '4,too,many,fields\n'
         '5,"last, with a comma\n\nand a blank line",50\n'
         + "".join(f'{i},"filler\n{i}",{i}\n' for i in range(6, N_NOTES + 1)))  # several splits long
DOCS = ('[\n  {"id": "j1",\n   "qty": 1.10,\n   "tags": ["x", "y"]},\n'
        '  {"id": "j2", "qty": 2,\n   "tags": []},\n'
        '  {"id": "j3",\n   "qty": null, "tags": null},\n'
        + "".join(f'  {{"id": "{i}",\n   "qty": {i}}},\n' for i in range(4, N_DOCS))
        + f'  {{"id": "{N_DOCS}", "qty": {N_DOCS}}}\n]\n')
DOC = '{\n  "id": "j4",\n  "qty": 4,\n  "tags": ["z"]\n}\n'
BROKEN = '{\n  "id": "j5",\n  "qty": \n'


def test_dates_come_from_the_match_its_group_or_three_groups():
    assert landed_date(f"orders_{D}.csv", r"\d{4}-\d{2}-\d{2}") == D
    assert landed_date(f"orders_{D}.csv", r"orders_(\d{4}-\d{2}-\d{2})") == D
    assert landed_date("2026/01/03/part-1.csv", r"(\d{4})/(\d{2})/(\d{2})") == D
    assert landed_date("2026/01/p.csv", r"(\d{4})/(\d{2})/(\d{2})?") is None  # a part missing
    assert landed_date("y=2026/m=01/d=03/p.csv",
                       r"y=(?P<year>\d{4})/m=(?P<month>\d\d)/d=(?P<day>\d\d)") == D
    assert landed_date("2026/01/part-1.csv", r"(\d{4})/(\d{2})/(\d{2})") is None
    assert date_pattern_problem(r"(\d{4})/(\d{2})") == r"'(\\d{4})/(\\d{2})' (2 groups)"
    assert date_pattern_problem(r"(\d{4}") is not None
    assert date_pattern_problem(r"(\d{4})-(\d{2})-(\d{2})") is None


def test_bad_patterns_are_rejected_with_their_key_paths(isolated_run: Path, capfd) -> None:
    conf = isolated_run / "conf" / "pipeline"
    conf.mkdir(parents=True)
    (conf / "files.yaml").write_text(PIPELINE.replace(r"'(\d{4})/(\d{2})/(\d{2})'",
                                                      r"'(\d{4})/(\d{2})'")
                                     .replace('glob: "*.csv",\n                   recursive',
                                              'glob: "**/*.csv",\n                   recursive'))
    with pytest.raises(SystemExit) as exc:
        main(["run-layer", "layer=raw", "dry_run=true", "--config-dir", str(conf.parent),
              "pipeline=files"])
    assert exc.value.code == 2
    err = capfd.readouterr().err
    source = "pipeline.datasets.nested.raw.source"
    assert f"{source}.date_pattern: expected a regular expression" in err and "(2 groups)" in err
    assert f"{source}.glob: expected a file-name pattern" in err and "'**/*.csv'" in err
    assert "datasets.notes" not in err and "datasets.typed" not in err


def _write_parquet(spark, landing: Path) -> None:
    """3000 typed rows in one parquet file of several row groups, `n` its position in the file."""
    from pyspark.sql import functions as F

    out = landing.parent / "parquet_out"
    (spark.range(1, 3001).select(
        F.col("id").alias("n"), (F.col("id") / 100).cast("decimal(12,2)").alias("amount"),
        (F.col("id") / 4).alias("ratio"), (F.col("id") % 2 == 0).alias("flag"),
        F.date_add(F.lit(D).cast("date"), F.col("id").cast("int") % 3).alias("day"),
        F.lit("2026-01-03 10:00:00").cast("timestamp").alias("at"))
     .coalesce(1).write.option("parquet.block.size", 8192).parquet(str(out)))
    (landing / "typed").mkdir(parents=True)
    shutil.move(str(next(out.glob("part-*.parquet"))), landing / "typed" / f"items_{D}.parquet")


def _write_files(landing: Path) -> None:
    for folder, name, text in [("notes", f"notes_{D}.csv", NOTES), ("docs", f"list_{D}.json", DOCS),
                               ("docs", f"one_{D}.json", DOC), ("docs", f"broken_{D}.json", BROKEN),
                               ("nested", "2026/01/03/part-1.csv", "id,qty\nn1,1\nn2,2\n"),
                               ("nested", "2026/01/03/late/part-2.csv", "id,qty\nn3,3\n"),
                               ("nested", "2026/01/04/part-1.csv", "id,qty\nn4,4\n"),
                               ("nested", "2026/01/part-0.csv", "id,qty\nundated,0\n")]:
        path = landing / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _rows(spark, location: Path, *columns: str) -> list[tuple]:
    return sorted(tuple(r) for r in spark.read.format("delta").load(str(location))
                  .select(*columns).collect())


@pytest.mark.spark
def test_parquet_multiline_and_dated_folders_land_as_text(spark_session, isolated_run: Path
                                                         ) -> None:
    spark = spark_session
    lh, conf = isolated_run / "lakehouse", isolated_run / "conf"
    (conf / "pipeline").mkdir(parents=True)
    (conf / "pipeline" / "files.yaml").write_text(PIPELINE)
    _write_parquet(spark, lh / "landing")
    _write_files(lh / "landing")
    key = "spark.sql.files.maxPartitionBytes"
    previous = spark.conf.get(key)
    spark.conf.set(key, "4096")  # the parquet file in several splits; multiLine files are not
    try:
        main(["run-layer", "layer=raw", f"run.date={D}", "--config-dir", str(conf), "pipeline=files"])
    finally:
        spark.conf.set(key, previous)
    raw, quarantine = lh / "raw", lh / "quarantine" / "raw"

    typed = spark.read.format("delta").load(str(raw / "typed"))
    assert {f.name: f.dataType.simpleString() for f in typed.schema.fields
            if not f.name.startswith("_")} == dict.fromkeys(
        ("n", "amount", "ratio", "flag", "day", "at"), "string")
    assert typed.count() == 3000
    assert typed.where("cast(n AS bigint) <> _record_number OR _landed_date <> '2026-01-03'") \
        .count() == 0  # every record numbered by its position in the file
    assert _rows(spark, raw / "typed", "n", "amount", "ratio", "flag", "day", "at")[:2] == [
        ("1", "0.01", "0.25", "false", "2026-01-04", "2026-01-03 10:00:00"),
        ("10", "0.10", "2.5", "true", "2026-01-04", "2026-01-03 10:00:00")]

    assert Path(lh / "landing" / "notes" / f"notes_{D}.csv").stat().st_size > 3 * 4096
    assert Path(lh / "landing" / "docs" / f"list_{D}.json").stat().st_size > 3 * 4096
    fillers = spark.read.format("delta").load(str(raw / "notes")).where("cast(id AS int) > 5")
    assert fillers.count() == N_NOTES - 5 and fillers.where(
        "note <> concat('filler\n', id) OR qty <> id OR _record_number <> cast(id AS int)").count() == 0
    fillers = spark.read.format("delta").load(str(raw / "docs")).where("cast(id AS int) > 3")
    assert fillers.count() == N_DOCS - 3 and fillers.where(
        "qty <> id OR _record_number <> cast(id AS int) OR tags IS NOT NULL").count() == 0

    notes = str(lh / "landing" / "notes" / f"notes_{D}.csv")
    assert _rows(spark, raw / "notes", "_record_number", "id", "note", "qty", "_source_file")[:4] == [
        (1, "1", "first line\nsecond line", "10", notes), (2, "2", "plain", "20", notes),
        (3, "3", 'say "hi"\nand "bye"', "30", notes),
        (5, "5", "last, with a comma\n\nand a blank line", "50", notes)]
    q = _rows(spark, quarantine / "notes", "_record_number", "_raw_record", "_errors.rule")
    assert q == [(4, "4,too,many,fields", ["parseable_csv"])]

    docs = lh / "landing" / "docs"
    named = _rows(spark, raw / "docs", "_source_file", "_record_number", "id", "qty", "tags")
    assert [r for r in named if r[2].startswith("j")] == [
        (str(docs / f"list_{D}.json"), 1, "j1", "1.1", '["x","y"]'),
        (str(docs / f"list_{D}.json"), 2, "j2", "2", "[]"),  # not 2.0: no doubles
        (str(docs / f"list_{D}.json"), 3, "j3", None, None),
        (str(docs / f"one_{D}.json"), 1, "j4", "4", '["z"]')]
    q = _rows(spark, quarantine / "docs", "_source_file", "_record_number", "_raw_record",
              "_errors.rule")
    assert q == [(str(docs / f"broken_{D}.json"), 1, BROKEN, ["parseable_json"])]

    nested = lh / "landing" / "nested"
    expected = [("n1", "1", D, str(nested / "2026/01/03/part-1.csv")),
                ("n2", "2", D, str(nested / "2026/01/03/part-1.csv")),
                ("n3", "3", D, str(nested / "2026/01/03/late/part-2.csv"))]
    columns = ("id", "qty", "_landed_date", "_source_file")
    assert _rows(spark, raw / "nested", *columns) == expected

    # the other date's file is listed with its date, for a run of that date
    listed = LandingFolder(str(nested), "*.csv", r"(\d{4})/(\d{2})/(\d{2})", True).list(spark)
    assert [(f.name, f.landed_date) for f in listed] == [
        ("2026/01/03/late/part-2.csv", D), ("2026/01/03/part-1.csv", D),
        ("2026/01/04/part-1.csv", "2026-01-04"), ("2026/01/part-0.csv", None)]
