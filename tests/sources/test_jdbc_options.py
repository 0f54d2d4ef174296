"""The jdbc source without a JVM: its options checked with key paths, the plan, URLs without
credentials, and the driver jar a URL needs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from loguru import logger

from prodi.cli.main import main
from prodi.model.errors import ConfigError
from prodi.sources.jdbc import Jdbc, public_url

PATH = "pipeline.datasets.orders.raw.source"
PG = "jdbc:postgresql://db.internal:5432/shop"


def _bound(**options: object) -> Jdbc:
    errors: list[ConfigError] = []
    source = Jdbc.bind("jdbc", options, PATH, errors)
    assert not errors and source is not None
    return source


def _problems(**options: object) -> set[tuple[str, str]]:
    return {(e.path, e.got) for e in _bound(**options).validate(None)}  # type: ignore[arg-type]


@pytest.mark.parametrize(("url", "public"), [
    ("jdbc:postgresql://db:5432/shop?user=etl&password=pw&ssl=true",
     "jdbc:postgresql://db:5432/shop?ssl=true"),
    ("jdbc:postgresql://db/shop?password=pw", "jdbc:postgresql://db/shop"),
    ("jdbc:mysql://etl:pw@db:3306/shop", "jdbc:mysql://db:3306/shop"),
    ("jdbc:sqlserver://db:1433;databaseName=shop;user=etl;Password=pw;encrypt=true",
     "jdbc:sqlserver://db:1433;databaseName=shop;encrypt=true"),
    ("jdbc:oracle:thin:etl/pw@db:1521/ORCL", "jdbc:oracle:thin:@db:1521/ORCL"),
    ("jdbc:postgresql://db/shop?sslpassword=pw&ApplicationName=prodi",
     "jdbc:postgresql://db/shop?ApplicationName=prodi"),
    ("jdbc:postgresql://etl:<<secrets/pg/pass>>@db/shop", "jdbc:postgresql://db/shop"),
    ("jdbc:postgresql://db/shop?ApplicationName=etl@prodi", "jdbc:postgresql://db/shop?ApplicationName=etl@prodi"),
    ("jdbc:sqlite:/data/shop.db", "jdbc:sqlite:/data/shop.db"),
])
def test_urls_lose_their_credentials(url: str, public: str) -> None:
    assert public_url(url) == public


def test_the_driver_and_its_jar_follow_the_url_scheme() -> None:
    pg = _bound(url=PG, table="orders")
    assert (pg.driver_class, pg.packages()) == ("org.postgresql.Driver",
                                                ("org.postgresql:postgresql:42.7.14",))
    lite = _bound(url="jdbc:sqlite:/tmp/x.db", table="t")
    assert (lite.driver_class, lite.packages()) == ("org.sqlite.JDBC",
                                                    ("org.xerial:sqlite-jdbc:3.54.1.0",))
    own = _bound(url="jdbc:oracle:thin:@db:1521/ORCL", table="t",
                 driver="oracle.jdbc.OracleDriver")
    assert (own.driver_class, own.packages()) == ("oracle.jdbc.OracleDriver", ())
    # Another driver for a known scheme brings its own jar: the default one is not added.
    assert _bound(url=PG, table="t", driver="com.example.PgProxyDriver").packages() == ()


def test_a_valid_source_has_no_problems() -> None:
    assert _problems(url=PG, table="orders", user="etl", password="<<secrets/pg/password>>",
                     partition_column="id", num_partitions=4, watermark_column="updated_at",
                     lookback="2 hours", fetchsize=1000) == set()
    assert _problems(url=PG, query="SELECT 1 AS x", partition_column="x", num_partitions=2,
                     lower_bound="0", upper_bound="10") == set()


@pytest.mark.parametrize(("options", "problem"), [
    ({"url": "postgresql://db/shop", "table": "t"}, (f"{PATH}.url", "'postgresql://db/shop'")),
    ({"url": "jdbc:oracle:thin:@db:1521/X", "table": "t"}, (f"{PATH}.driver", "nothing")),
    ({"url": PG, "table": "t", "query": "SELECT 1"}, (PATH, "both")),
    ({"url": PG}, (PATH, "neither")),
    ({"url": PG, "table": "t", "partition_column": "id"}, (f"{PATH}.num_partitions", "nothing")),
    ({"url": PG, "table": "t", "num_partitions": 4},
     (f"{PATH}.num_partitions", "no partition_column")),
    ({"url": PG, "table": "t", "partition_column": "id", "num_partitions": 4, "lower_bound": 1},
     (f"{PATH}.upper_bound", "nothing")),
    ({"url": PG, "table": "t", "partition_column": "id", "num_partitions": 0},
     (f"{PATH}.num_partitions", "0")),
    ({"url": PG, "table": "t", "lookback": "1 hour"}, (f"{PATH}.lookback", "no watermark_column")),
    ({"url": PG, "table": "t", "watermark_column": "ts", "lookback": "a while"},
     (f"{PATH}.lookback", "'a while'")),
])
def test_each_problem_is_reported_at_its_key_path(options: dict, problem: tuple[str, str]) -> None:
    assert _problems(**options) == {problem}


def test_the_password_is_never_in_a_url_error() -> None:
    problems = _bound(url="postgres://etl:hunter2@db/shop", table="t").validate(None)  # type: ignore[arg-type]
    assert [p.path for p in problems] == [f"{PATH}.url"] and "hunter2" not in str(problems[0])


PIPELINE = """
name: pg
datasets:
  orders:
    raw:
      source:
        type: jdbc
        url: "jdbc:postgresql://etl:<<secrets/pg/password>>@db:5432/shop?ssl=true"
        table: public.orders
        user: etl
        password: "<<secrets/pg/password>>"
        partition_column: id
        num_partitions: 4
        watermark_column: updated_at
        lookback: 2 hours
  bad:
    raw:
      source: {type: jdbc, url: "jdbc:postgresql://db/shop", table: t, query: "SELECT 1",
               partition_column: id, num_partitions: 2, lower_bound: 0, lookback: 1 day}
  worse:
    raw:
      source: {type: jdbc, url: "jdbc:db2://db/shop", table: t, fetchsize: many}
"""


@pytest.fixture
def sandbox_run(isolated_run: Path) -> Iterator[Path]:
    """`isolated_run`, with loguru's sinks reset afterwards (prodi binds them to the captured
    stderr of the test)."""
    yield isolated_run
    logger.remove()
    logger.add(lambda message: sys.stderr.write(message), level="INFO")


def _conf(tmp_path: Path, text: str) -> Path:
    conf = tmp_path / "conf"
    (conf / "pipeline").mkdir(parents=True)
    (conf / "pipeline" / "pg.yaml").write_text(text, encoding="utf-8")
    return conf


def test_the_dry_run_reports_every_problem_with_its_key_path(sandbox_run: Path, capsys) -> None:
    conf = _conf(sandbox_run, PIPELINE)
    with pytest.raises(SystemExit) as exc:
        main(["run-layer", "layer=raw", "--config-dir", str(conf), "pipeline=pg", "dry_run=true"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    src = "pipeline.datasets.bad.raw.source"
    for problem in (f"{src}: expected exactly one of `table` or `query`, got both",
                    f"{src}.upper_bound: expected both bounds or neither",
                    f"{src}.lookback: expected watermark_column with it",
                    "pipeline.datasets.worse.raw.source.fetchsize: expected int, got 'many'"):
        assert problem in err


def test_the_plan_says_what_is_read_without_credentials(sandbox_run: Path, capsys) -> None:
    conf = _conf(sandbox_run, PIPELINE.split("  bad:")[0])
    main(["run-layer", "layer=raw", "--config-dir", str(conf), "pipeline=pg", "dry_run=true",
          "plan_format=json"])
    plan = json.loads(capsys.readouterr().out)
    (entry,) = [d for d in _entries(plan) if d.get("dataset") == "orders"]
    assert entry["reads"] == ("table public.orders of jdbc:postgresql://db:5432/shop?ssl=true "
                              "over JDBC (org.postgresql.Driver)")
    assert entry["partitioning"] == "4 ranges of id (MIN..MAX, computed)"
    assert entry["incremental"] == ("by updated_at (>= last mark - 2 hours; rows landed unchanged "
                                    "are skipped)")
    main(["run-layer", "layer=raw", "--config-dir", str(conf), "pipeline=pg", "dry_run=true",
          "plan_format=json", "run.full_refresh=true"])
    (entry,) = [d for d in _entries(json.loads(capsys.readouterr().out))
                if d.get("dataset") == "orders"]
    assert entry["incremental"] == "full (run.full_refresh), then by updated_at"


def _entries(plan: object) -> list[dict]:
    """Every mapping in the plan document."""
    if isinstance(plan, dict):
        return [plan, *(e for v in plan.values() for e in _entries(v))]
    if isinstance(plan, list):
        return [e for v in plan for e in _entries(v)]
    return []
