"""JSON logs: one object per line with run id, layer and dataset, stdlib/py4j/Hydra lines included,
secrets masked."""

from __future__ import annotations

import io
import json
import logging
import sys
from types import SimpleNamespace

import pytest
from loguru import logger

from prodi.engine.runner import run_item
from prodi.engine.session import RunSession
from prodi.observability.logging import configure_logging
from prodi.secrets.vault import SecretVault

SECRET = "hunter2-canary"


@pytest.fixture
def lines():
    stream, vault = io.StringIO(), SecretVault()
    vault.add(SECRET)
    configure_logging("INFO", "json", redact=vault.redact, stream=stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.remove()
    logger.add(sys.stderr, level="INFO")


def test_every_line_is_json_with_the_run_context_and_stdlib_lines_are_routed_in(lines):
    logger.info("before any run")
    with logger.contextualize(run_id="r1", layer="silver", dataset="orders"):
        logging.getLogger("py4j.java_gateway").warning("gateway says %s", SECRET)
        logging.getLogger("hydra").info("composed")
        logger.warning("rule failed")
    got = lines()
    assert [g["message"] for g in got] == ["before any run", "gateway says ***", "composed",
                                           "rule failed"]
    assert (got[0]["run_id"], got[0]["layer"], got[0]["dataset"]) == (None, None, None)
    for g in got[1:]:
        assert (g["run_id"], g["layer"], g["dataset"]) == ("r1", "silver", "orders")
    assert [g["component"] for g in got[1:3]] == ["py4j.java_gateway", "hydra"]


def test_the_runner_binds_the_dataset_for_every_stage(lines):
    class Stage:
        name = "read"

        def run(self, run):  # noqa: ANN001
            logger.info("stage ran")
            logging.getLogger("pyspark").warning("from spark")

    item = SimpleNamespace(name="orders", layer=SimpleNamespace(name="bronze"), run_date=None,
                           location=lambda layer, name: f"/lake/{layer}/{name}")
    session = RunSession(None, SimpleNamespace(resolve_tree=lambda node, path: node), "r9")
    with logger.contextualize(run_id="r9", layer="bronze"):
        result = run_item(session, SimpleNamespace(item=item, stages=(Stage(),)))
    assert result.target == "/lake/bronze/orders"
    got = lines()
    assert [(g["message"], g["layer"], g["dataset"], g["run_id"]) for g in got] == [
        ("bronze/orders: read…", "bronze", "orders", "r9"),  # the progress line too
        ("stage ran", "bronze", "orders", "r9"), ("from spark", "bronze", "orders", "r9")]
