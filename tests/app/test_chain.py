"""`run-layer layer=a,b`: layers in dependency order, held back on failure, resumable. No Spark."""

from __future__ import annotations

import pytest

from prodi.app.backfill import is_chain, plan_chain
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
