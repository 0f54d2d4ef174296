"""OpenLineage events without Spark: the runner's item hooks, the file transport, a transport that
can't be written, and which environments turn events on. Real runs: tests/app/test_run_ledger.py."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from loguru import logger

from prodi.app.openlineage_events import dataset_name, observers, run_uuid
from prodi.engine.runner import run_item
from prodi.engine.session import RunSession
from prodi.secrets.registry import build_chain
from prodi.secrets.resolver import SecretResolver
from prodi.secrets.vault import SecretVault

SECRET = "hunter2+canary/=="


class Stage:
    name = "transform"

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error

    def run(self, run):  # noqa: ANN001
        run.inputs["/lake/bronze/orders"] = 4
        if self.error is not None:
            raise self.error


def _run(stage: Stage, observing: list) -> object:
    """A DatasetResult of one item run with one stage, on a session with `observing`."""
    vault = SecretVault()
    vault.add(SECRET)
    layer = SimpleNamespace(name="silver", upstream="bronze", items="datasets")
    item = SimpleNamespace(name="orders", layer=layer, run_date="2026-01-02",
                           location=lambda layer, name: f"/lake/{layer}/{name}")
    session = RunSession(spark=None, secrets=SecretResolver(build_chain(None, environ={}), vault),
                         run_id="r1", observers=tuple(observing))
    return run_item(session, SimpleNamespace(item=item, stages=(stage,)))


@pytest.fixture
def emitting(tmp_path, monkeypatch):
    """Events to a file, as `prodi run-layer` would send them in this environment."""
    for key in ("OPENLINEAGE_URL", "OPENLINEAGE_CONFIG", "OPENLINEAGE_DISABLED"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no openlineage.yml of the machine's
    monkeypatch.setenv("OPENLINEAGE__TRANSPORT__TYPE", "file")
    monkeypatch.setenv("OPENLINEAGE__TRANSPORT__APPEND", "true")
    path = tmp_path / "events.jsonl"
    monkeypatch.setenv("OPENLINEAGE__TRANSPORT__LOG_FILE_PATH", str(path))
    return path


def test_a_failing_item_sends_start_then_fail_with_its_error_masked(emitting):
    with pytest.raises(ValueError, match="bad value"):  # the run's own error, unchanged
        _run(Stage(ValueError(f"bad value {SECRET}")), observers(parent_id=lambda: "chain-1"))
    text = emitting.read_text()
    assert SECRET not in text
    start, fail = (json.loads(line) for line in text.splitlines())
    assert (start["eventType"], fail["eventType"]) == ("START", "FAIL")
    assert start["run"]["runId"] == fail["run"]["runId"] == run_uuid("r1", "silver", "orders")
    assert fail["job"]["name"] == "silver.orders" and fail["job"]["namespace"] == "prodi"
    prodi = fail["run"]["facets"]["prodi"]
    assert (prodi["runId"], prodi["parentRunId"], prodi["status"]) == ("r1", "chain-1", "failed")
    assert fail["run"]["facets"]["errorMessage"]["message"] == "ValueError: bad value ***"
    assert [(d["namespace"], d["name"]) for d in fail["inputs"]] == [("file", "/lake/bronze/orders")]
    assert [(d["namespace"], d["name"]) for d in fail["outputs"]] == [("file", "/lake/silver/orders")]


def test_an_event_that_cant_be_sent_is_a_warning_and_the_item_still_succeeds(emitting, monkeypatch):
    monkeypatch.setenv("OPENLINEAGE__TRANSPORT__LOG_FILE_PATH", str(emitting.parent / "no" / "x"))
    warnings: list[str] = []
    sink = logger.add(lambda m: warnings.append(str(m)), level="WARNING", format="{message}")
    try:
        result = _run(Stage(), observers())
    finally:
        logger.remove(sink)
    assert result.status == "ok" and result.target == "/lake/silver/orders"
    assert [w for w in warnings if "OpenLineage: the START event of silver/orders was not sent"
            in w] and [w for w in warnings if "COMPLETE event" in w]


def test_events_are_on_only_when_the_environment_configures_a_transport():
    assert observers({}) == []
    assert len(observers({"OPENLINEAGE_URL": "http://marquez:5000"})) == 1
    assert len(observers({"OPENLINEAGE__TRANSPORT__TYPE": "console"})) == 1
    assert observers({"OPENLINEAGE_URL": "http://m", "OPENLINEAGE_DISABLED": "true"}) == []


@pytest.mark.parametrize("location, expected", [
    ("s3a://bucket/lake/silver/orders", ("s3://bucket", "lake/silver/orders")),
    ("abfss://lake@acct.dfs.core.windows.net/silver/orders",
     ("abfss://lake@acct.dfs.core.windows.net", "silver/orders")),
    ("jdbc:postgresql://user:pw@db:5432/shop?ssl=true", ("postgresql://db:5432", "shop")),
    ("https://api.example.com/v1/orders?token=x", ("https://api.example.com", "v1/orders")),
    ("dbfs:/mnt/lake/silver/orders", ("dbfs", "/mnt/lake/silver/orders")),
    ("/lake/silver/orders", ("file", "/lake/silver/orders")),
    ("main.sales.silver_orders", ("catalog", "main.sales.silver_orders")),
])
def test_dataset_names_follow_openlineage_naming_without_credentials(location, expected):
    assert dataset_name(location) == expected
