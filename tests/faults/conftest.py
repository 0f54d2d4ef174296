"""The serial baseline the fault scenarios are judged against: one per test process, shared by
the modules that need it (building it is most of a module's time). Orders and customers only:
landed files (what exactly-once is about), a newer-wins MERGE and an SCD2 history in silver;
the JDBC catalogue would only make each run longer."""

from __future__ import annotations

import pytest

from scripts.chaos_lakehouse import Baseline, build_baseline


@pytest.fixture(scope="session")
def demo_baseline(spark_session, tmp_path_factory) -> Baseline:
    """The demo's raw, bronze and silver run once each, in order, in this process."""
    return build_baseline(spark_session, tmp_path_factory.mktemp("baseline"),
                          overrides=("datasets=[orders,customers]",))
