"""Backfills and chains as plans: order, holding back, resume commands. No Spark."""

from __future__ import annotations

import pytest

from prodi.app.backfill import is_chain, plan_backfill, plan_chain
from prodi.app.job_stats import JobStats
from prodi.config.layers import layer_catalog
from prodi.model.errors import ConfigError


@pytest.fixture(scope="module")
def catalog():
    return layer_catalog([])


def test_only_a_layer_list_without_multirun_is_a_chain():
    assert is_chain(["layer=raw,bronze"], [])
    assert not is_chain(["layer=raw,bronze"], ["-m"])
    assert not is_chain(["layer=raw", "datasets=[a,b]"], [])


def test_layers_run_in_dependency_order_with_the_shared_overrides(catalog):
    chain = plan_chain(["layer=gold,raw,silver", "run.date=2026-01-02", "env=dev"], [], catalog)
    assert chain.jobs() == [["layer=raw", "run.date=2026-01-02", "env=dev"],
                            ["layer=silver", "run.date=2026-01-02", "env=dev"],
                            ["layer=gold", "run.date=2026-01-02", "env=dev"]]
    undated = plan_chain(["layer=raw,bronze"], [], catalog)
    assert undated.jobs() == [["layer=raw"], ["layer=bronze"]]


def test_a_failed_layer_holds_back_its_dependents_and_resume_names_them(catalog):
    chain = plan_chain(["layer=raw,bronze,silver,gold", "cloud=aws"], ["-cd", "my conf"], catalog)
    chain.record("raw", "", None, None, None, 0.0)
    chain.records[("bronze", "")].stats = JobStats("failed", error="boom")
    assert chain.skip_reason("silver", "") == "bronze failed"
    assert chain.skip_reason("gold", "") is not None
    assert chain.resume_command() == \
        "prodi run-layer -cd 'my conf' layer=bronze,silver,gold cloud=aws"


def test_an_unknown_layer_is_a_command_line_error(catalog):
    with pytest.raises(ConfigError, match="platinum"):
        plan_chain(["layer=raw,platinum"], [], catalog)


def _fail(plan, layer, date):
    plan.records[(layer, date)].stats = JobStats("failed", error="boom")


def test_a_backfill_runs_dated_layers_date_by_date_then_gold_once(catalog):
    plan = plan_backfill({"layers": "gold,raw", "from": "2026-01-01", "to": "2026-01-03"},
                         ["env=dev"], [], catalog)
    assert plan.jobs() == [["layer=raw", f"run.date=2026-01-0{d}", "env=dev"] for d in (1, 2, 3)] \
        + [["layer=gold", "run.date=2026-01-03", "env=dev"]]


def test_a_failed_date_holds_back_only_that_date_above_it_and_gold(catalog):
    plan = plan_backfill({"layers": "raw,bronze,gold", "dates": "2026-01-01,2026-01-02"}, [], [],
                         catalog)
    _fail(plan, "raw", "2026-01-02")
    assert plan.skip_reason("bronze", "2026-01-01") is None
    assert plan.skip_reason("bronze", "2026-01-02") == "raw failed for 2026-01-02"
    assert plan.skip_reason("gold", "2026-01-02") == "raw failed for 2026-01-02"


def test_fail_fast_stops_everything_after_a_failure(catalog):
    plan = plan_backfill({"layers": "raw,bronze", "dates": "2026-01-01,2026-01-02",
                          "fail_fast": "true"}, [], [], catalog)
    _fail(plan, "raw", "2026-01-01")
    assert plan.skip_reason("raw", "2026-01-02") == "fail-fast after an earlier failure"


def test_resume_reruns_failed_and_held_back_dates_from_the_first_failed_layer(catalog):
    plan = plan_backfill({"layers": "raw,bronze,silver", "from": "2026-01-01", "to": "2026-01-04"},
                         ["cloud=aws"], ["-cd", "conf dir"], catalog)
    for date in ("2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"):
        plan.record("raw", date, None, None, None, 0.0)
    _fail(plan, "bronze", "2026-01-03")
    plan.records[("silver", "2026-01-03")].stats = JobStats("skipped", error="held back")
    assert plan.resume_command() == ("prodi backfill --layers bronze,silver --dates 2026-01-03 "
                                     "-cd 'conf dir' cloud=aws")


def test_a_bad_range_is_a_command_line_error(catalog):
    with pytest.raises(ConfigError, match="--from"):
        plan_backfill({"layers": "raw", "from": "2026-01-05"}, [], [], catalog)
    with pytest.raises(ConfigError, match="layers"):
        plan_backfill({"from": "2026-01-01", "to": "2026-01-02"}, [], [], catalog)
