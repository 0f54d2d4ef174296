"""`spark.remote` (or SPARK_REMOTE): a Spark Connect URL, checked before anything runs and shown
in the dry-run plan. No Spark."""

from __future__ import annotations

from functools import cache

import pytest
from omegaconf import DictConfig

from prodi.cli.main import main
from prodi.config.compose import composer
from prodi.config.load import load
from prodi.model.errors import ConfigErrors

BASE = ["layer=silver", "cloud=local", "env=dev"]


@cache
def composed(overrides: tuple[str, ...]) -> DictConfig:
    """Composed once per override list (SPARK_REMOTE is read when `load()` resolves it)."""
    with composer() as c:
        return c.compose([*BASE, *overrides])


def remote_of(overrides: list[str]) -> str | None:
    return load(composed(tuple(overrides)), overrides, environ={}).app.spark.remote


def test_the_url_comes_from_spark_remote_or_else_spark_remote_env(monkeypatch):
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    assert remote_of([]) is None
    assert remote_of(["spark.remote=sc://127.0.0.1:15002"]) == "sc://127.0.0.1:15002"
    monkeypatch.setenv("SPARK_REMOTE", "sc://connect.example:443/;use_ssl=true")
    assert remote_of([]) == "sc://connect.example:443/;use_ssl=true"
    assert remote_of(["spark.remote=sc://other:15002"]) == "sc://other:15002"  # the config wins
    monkeypatch.setenv("SPARK_REMOTE", "")
    assert remote_of([]) is None


@pytest.mark.parametrize("bad", ["http://127.0.0.1:15002", "127.0.0.1:15002", "sc://", "sc://:15002"])
def test_anything_but_a_connect_url_is_refused_naming_the_key(monkeypatch, bad):
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    with pytest.raises(ConfigErrors) as raised:
        remote_of([f"spark.remote={bad}"])
    text = str(raised.value)
    assert "spark.remote" in text and "sc://host:port" in text and bad in text


def test_the_dry_run_plan_says_where_spark_runs(monkeypatch, capsys):
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    monkeypatch.setenv("PRODI_FORCE_DRY_RUN", "1")
    main(["run-layer", *BASE, "spark.remote=sc://10.1.2.3:15002"])
    assert "  spark: Spark Connect at sc://10.1.2.3:15002\n" in capsys.readouterr().out
    main(["run-layer", *BASE])
    assert "  spark: master local[*]\n" in capsys.readouterr().out
