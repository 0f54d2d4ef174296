"""A batch's first job starts the Spark session every job shares, so it starts it with the jars
of all of them (a JDBC driver needed by a later job included)."""

from __future__ import annotations

import pytest

from prodi.app import jobs
from prodi.app.run import RunOutcome


def test_the_first_job_of_a_batch_starts_spark_with_every_jobs_drivers(
        isolated_run, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, tuple[str, ...]]] = []

    def execute(loaded, vault=None, jars=None):  # noqa: ANN001, ANN202 - stands in for a run
        seen.append((loaded.app.layer.name, tuple(jars)))
        return RunOutcome("r", loaded.app.layer.name, False)

    monkeypatch.setattr(jobs, "execute", execute)
    batch = jobs.compose_jobs([["layer=bronze"], ["layer=raw"]], [], multirun=False)
    jobs.run_jobs(batch)
    assert seen == [("bronze", ("org.xerial:sqlite-jdbc:3.54.1.0",)),
                    ("raw", ("org.xerial:sqlite-jdbc:3.54.1.0",))]
