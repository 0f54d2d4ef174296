"""A Spark Connect session is never asked for its JVM: the capability API says it has none,
classic-only features say so by name, and the runtime conf skips what only Hadoop takes. Fake
sessions, no Spark."""

from __future__ import annotations

import pytest
from loguru import logger

from prodi.runtime import classic, session


class _Conf:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.values.get(key, default)

    def set(self, key: str, value: str) -> None:
        self.values[key] = value


class ConnectSession:
    """What a Spark Connect session offers: a conf, and no `sparkContext`."""

    def __init__(self) -> None:
        self.conf = _Conf()

    @property
    def sparkContext(self):  # noqa: N802 - PySpark's name
        raise AssertionError("a Connect session has no SparkContext: never ask it for one")


ConnectSession.__module__ = "pyspark.sql.connect.session"


class ClassicSession:
    def __init__(self) -> None:
        self.conf = _Conf()
        self.hadoop: dict[str, str] = {}
        self.levels: list[str] = []
        hadoop = self.hadoop
        levels = self.levels
        jsc = type("Jsc", (), {"hadoopConfiguration": lambda _: type(
            "H", (), {"set": lambda _, k, v: hadoop.__setitem__(k, v)})()})()
        self.sparkContext = type("Sc", (), {"_jsc": jsc, "setLogLevel": lambda _, lv: levels.append(lv),
                                            "getLocalProperty": lambda _, k: f"local:{k}"})()


CONF = {"spark.hadoop.fs.s3a.secret.key": "s3cr3t", "spark.sql.shuffle.partitions": "4",
        "spark.executor.memory": "2g"}


def test_connect_sessions_have_no_jvm(monkeypatch) -> None:
    monkeypatch.delenv("SPARK_CONNECT_MODE_ENABLED", raising=False)
    assert classic.classic_jvm(ConnectSession()) is None
    assert classic.classic_jvm(None) is None
    with pytest.raises(classic.ClassicOnlyError, match="Hadoop listing needs classic Spark"):
        classic.require_classic(ConnectSession(), "Hadoop listing")


def test_connect_mode_is_connect_whatever_the_session(monkeypatch) -> None:
    monkeypatch.setenv("SPARK_CONNECT_MODE_ENABLED", "1")
    assert classic.classic_jvm(ClassicSession()) is None


def test_classic_sessions_keep_their_jvm(monkeypatch) -> None:
    monkeypatch.delenv("SPARK_CONNECT_MODE_ENABLED", raising=False)
    spark = ClassicSession()
    jvm = classic.require_classic(spark, "anything")
    assert jvm.local_property("spark.job.id") == "local:spark.job.id"
    session._apply_runtime_conf(spark, CONF)
    session._set_log_level(spark, "ERROR")
    assert spark.hadoop == {"fs.s3a.secret.key": "s3cr3t"}
    assert spark.conf.values == {"spark.sql.shuffle.partitions": "4"}
    assert spark.levels == ["ERROR"]


def test_runtime_conf_on_connect_skips_hadoop_keys_saying_where_they_belong(monkeypatch) -> None:
    monkeypatch.delenv("SPARK_CONNECT_MODE_ENABLED", raising=False)
    spark = ConnectSession()
    lines: list[str] = []
    sink = logger.add(lines.append, level="DEBUG", format="{message}")
    try:
        session._apply_runtime_conf(spark, CONF)
        session._set_log_level(spark, "ERROR")
    finally:
        logger.remove(sink)
    assert spark.conf.values == {"spark.sql.shuffle.partitions": "4"}
    skipped = [x for x in lines if "spark.hadoop.fs.s3a.secret.key" in x]
    assert len(skipped) == 1 and "cluster" in skipped[0]
    assert not any("s3cr3t" in x for x in lines)  # keys named, never their values
