"""A canary secret never appears in any output or any file a run writes."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from prodi.cli.main import main
from tests.conftest import generate_demo_data

pytestmark = [pytest.mark.spark, pytest.mark.slow]
CANARY = "Canary+7f3a/9c2e=leak"
REF = "<<secrets/bars/canary>>"
FORMS = {CANARY, quote(CANARY, safe=""), quote_plus(CANARY),
         base64.b64encode(CANARY.encode()).decode().rstrip("=")}


def _option(name: str) -> str:
    return f"+pipeline.datasets.orders.raw.source.options.{name}='{REF}'"


def _assert_no_leak(root: Path, *outputs: str) -> None:
    for text in outputs:
        for form in FORMS:
            assert form not in text
    scanned = 0
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_size < 50_000_000:
            data = path.read_bytes()
            scanned += 1
            for form in FORMS:
                assert form.encode() not in data, f"{form!r} leaked into {path}"
    assert scanned > 0


@pytest.fixture
def canary_run(isolated_run: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PRODI_SECRET__BARS__CANARY", CANARY)
    generate_demo_data(isolated_run / "lakehouse" / "landing")
    return isolated_run


def test_full_run_at_debug_level(spark_session, canary_run, capfd):
    log = canary_run / "run.log"
    main(["run-layer", "layer=raw", "run.date=2026-01-01", _option("prodi_probe"),
          "log.level=DEBUG", f"log.file={log}"])
    out, err = capfd.readouterr()
    assert "raw/orders" in err and log.exists()
    _assert_no_leak(canary_run, out, err)


def test_run_failing_with_the_value_in_spark_error(spark_session, canary_run, capfd):
    log = canary_run / "run.log"
    with pytest.raises(SystemExit) as exit_info:
        main(["run-layer", "layer=raw", "run.date=2026-01-01", _option("encoding"),
              f"log.file={log}", "log.level=DEBUG"])
    assert exit_info.value.code == 1
    out, err = capfd.readouterr()
    assert "***" in err  # the charset error quoted the value, masked
    _assert_no_leak(canary_run, out, err)


def test_dry_run_fetches_nothing(canary_run, capfd, monkeypatch):
    monkeypatch.delenv("PRODI_SECRET__BARS__CANARY")  # a dry-run must not need the secret
    main(["run-layer", "layer=raw", _option("prodi_probe"), "dry_run=true", "plan_format=json"])
    out, err = capfd.readouterr()
    assert "DRY-RUN" in err
    _assert_no_leak(canary_run, out, err)


def test_multirun(spark_session, canary_run, capfd):
    main(["run-layer", "-m", "layer=raw", "run.date=2026-01-01,2026-01-02", _option("prodi_probe"),
          "log.format=json"])
    out, err = capfd.readouterr()
    assert "multirun.yaml" in {p.name for p in canary_run.rglob("multirun.yaml")}
    _assert_no_leak(canary_run, out, err)


def test_cfg_job_resolve_masks_and_missing_secret_names_key_and_reference(canary_run, capfd,
                                                                           monkeypatch):
    for ref in (REF, "{{secrets/bars/canary}}", "${secret:bars/canary}"):
        main(["run-layer", "layer=raw", f"+probe='{ref}'", "--cfg", "job", "--resolve"])
        out, err = capfd.readouterr()
        assert "probe: '***'" in out
        _assert_no_leak(canary_run, out, err)
    monkeypatch.delenv("PRODI_SECRET__BARS__CANARY")
    with pytest.raises(SystemExit) as exit_info:
        main(["run-layer", "layer=raw", f"+probe='{REF}'", "--cfg", "job", "--resolve"])
    assert exit_info.value.code != 0
    err = capfd.readouterr().err
    assert "probe" in err and REF in err
