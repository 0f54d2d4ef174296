"""Each job is composed once and validated once; the validated config is the one that runs."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hydra._internal.config_loader_impl import ConfigLoaderImpl

import prodi.app.jobs
from prodi.cli.main import main


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Counter:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRODI_LAKEHOUSE", str(tmp_path / "lh"))
    monkeypatch.setenv("PRODI_HYDRA_DIR", str(tmp_path / "hydra"))
    monkeypatch.delenv("PRODI_FORCE_DRY_RUN", raising=False)
    seen: Counter = Counter()
    compose, load, execute = (ConfigLoaderImpl.load_configuration, prodi.app.jobs.load,
                              prodi.app.jobs.execute)

    def counted(name, fn):  # noqa: ANN001, ANN202
        def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            seen[name] += 1
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(ConfigLoaderImpl, "load_configuration", counted("composed", compose))
    monkeypatch.setattr(prodi.app.jobs, "load", counted("validated", load))

    def run(loaded, **kwargs):  # noqa: ANN001, ANN003, ANN202
        seen["ran"] += 1
        seen["run dates " + str(loaded.app.run.date)] += 1
        return execute(loaded, **kwargs)

    monkeypatch.setattr(prodi.app.jobs, "execute", run)
    return seen


def test_a_run_is_composed_and_validated_once(counts: Counter) -> None:
    main(["run-layer", "layer=silver", "dry_run=true"])
    assert (counts["composed"], counts["validated"], counts["ran"]) == (1, 1, 1)
    assert len(list(Path("hydra").glob("*/*/.hydra/config.yaml"))) == 1  # still a Hydra job dir


def test_a_sweep_composes_its_jobs_once_plus_the_shared_config(counts: Counter) -> None:
    main(["run-layer", "-m", "layer=raw,bronze", "run.date=2026-01-01,2026-01-02", "dry_run=true"])
    assert (counts["composed"], counts["validated"], counts["ran"]) == (1 + 4, 4, 4)
    assert len(list(Path("hydra").glob("*/*/multirun.yaml"))) == 1
    assert len(list(Path("hydra").glob("*/*/[0-3]/.hydra/config.yaml"))) == 4


def test_a_backfill_runs_validated_jobs_without_reparsing_overrides(counts: Counter) -> None:
    main(["backfill", "--layers", "raw,gold", "--from", "2026-01-01", "--to", "2026-01-03",
          "dry_run=true"])
    # raw for each date, gold once for the last: every job composed and validated once
    assert (counts["composed"], counts["validated"], counts["ran"]) == (1 + 4, 4, 4)
    assert counts["run dates 2026-01-03"] == 2


def test_a_broken_job_in_a_sweep_stops_everything_before_anything_runs(counts: Counter,
                                                                       capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit) as exc:
        main(["run-layer", "-m", "layer=raw,bronze", "run.date=2026-01-01,2026-13-01",
              "dry_run=true"])
    assert exc.value.code == 2
    assert counts["ran"] == 0 and not Path("hydra").exists()
    assert "run.date" in capsys.readouterr().err
