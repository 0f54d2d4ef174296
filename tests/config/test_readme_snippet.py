"""The README's "Adding a dataset" snippet works as written, in a user's own config dir.

The snippet is read from README.md (not copied here), saved as `my_conf/pipeline/sales.yaml`,
and raw, bronze and silver run for real through the CLI on the shared Spark session.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from prodi.cli.main import main
from tests.conftest import REPO

pytestmark = pytest.mark.spark

REFUNDS = """\
refund_id,amount,refunded_at
 R1 ,10.00,2026-01-01 09:00:00
R2,5.50,2026-01-01 10:00:00
R1,12.00,2026-01-01 11:00:00
R3,-1.00,2026-01-01 12:00:00
"""


def readme_snippet() -> str:
    """The yaml block that follows the README's "**Adding a dataset**" paragraph."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("**Adding a dataset**")
    found = re.search(r"```yaml\n(.*?)```", text[start:], re.DOTALL)
    assert found is not None, "no yaml block after **Adding a dataset** in README.md"
    return found.group(1)


def test_snippet_runs_raw_bronze_silver(spark_session: SparkSession, isolated_run: Path) -> None:
    conf = isolated_run / "my_conf" / "pipeline"
    conf.mkdir(parents=True)
    (conf / "sales.yaml").write_text(readme_snippet(), encoding="utf-8")
    landing = isolated_run / "lakehouse" / "landing" / "refunds"
    landing.mkdir(parents=True)
    (landing / "refunds_2026-01-01.csv").write_text(REFUNDS, encoding="utf-8")

    main(["run-layer", "--config-dir", "my_conf", "pipeline=sales", "layer=raw,bronze,silver"])

    lakehouse = isolated_run / "lakehouse"
    silver = spark_session.read.format("delta").load(str(lakehouse / "silver" / "refunds"))
    rows = sorted((r.refund_id, str(r.amount), r.at) for r in silver.select(
        "refund_id", "amount", F.date_format("refunded_at", "yyyy-MM-dd HH:mm:ss").alias("at"))
        .collect())
    # " R1 " is trimmed to R1, whose newer version (11:00) wins; R3 (amount -1) is quarantined.
    assert rows == [("R1", "12.00", "2026-01-01 11:00:00"), ("R2", "5.50", "2026-01-01 10:00:00")]
    quarantine = spark_session.read.format("delta").load(
        str(lakehouse / "quarantine" / "silver" / "refunds")).collect()
    assert [(q["_values"]["refund_id"], q["_values"]["amount"], [e["rule"] for e in q["_errors"]])
            for q in quarantine] == [("R3", "-1.00", ["amount_positive"])]
