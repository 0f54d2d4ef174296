"""A user's first real runs through the CLI, on the shared Spark session: a missing upstream
table or landing folder fails naming it and what creates it (or is skipped when allowed), an
input with nothing new is not missing, Hydra's record stays out of the cwd, and a warn rule
counts only the rows that are kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from prodi.cli.main import main

pytestmark = pytest.mark.spark

D1, D2 = "2026-01-01", "2026-01-02"
PIPELINE = r"""
name: tiny
datasets:
  items:
    raw: {source: {format: csv, path: "${cloud.storage.landing}/items", glob: "items_*.csv",
                   date_pattern: '\d{4}-\d{2}-\d{2}', options: {header: "true"}}}
    bronze:
      columns: [{name: id, type: string}, {name: amount, type: int}, {name: currency, type: string},
                {name: note, type: string}]
      expectations:
        - {name: noted, expr: "note IS NOT NULL", action: warn}
        - {name: positive, expr: "amount >= 0", action: quarantine}
        - {name: known, expr: "currency = 'EUR'", action: drop}
  later:  # nothing of it delivered yet: its landing folder is there, empty
    raw: {source: {format: csv, path: "${cloud.storage.landing}/later", glob: "*.csv",
                   date_pattern: '\d{4}-\d{2}-\d{2}', options: {header: "true"}}}
    bronze: {columns: [{name: id, type: string}]}
"""
# `noted` fails in i2, i3, i4 and i6: i2 and i6 are quarantined, i3 dropped, only i4 is kept.
ITEMS = {D1: "id,amount,currency,note\ni1,1,EUR,a\ni2,-1,EUR,\ni3,2,XYZ,\ni4,3,EUR,\n"
             "i5,4,EUR,b\ni6,-5,XYZ,\n",
         D2: "id,amount,currency,note\ni7,7,EUR,c\n"}


def _exit_code(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_missing_upstream_fails_naming_it_unless_allowed(first_shell: Path, capsys) -> None:
    lh = first_shell / "lh"
    assert _exit_code(["run-layer", "layer=silver"]) == 1
    err = _plain(capsys.readouterr().err)
    assert (f"Missing input: silver/orders: the bronze table does not exist at {lh}/bronze/orders; "
            "run `prodi run-layer layer=bronze` first. Set run.allow_missing_upstream=true to "
            "skip items whose input is missing instead") in err

    assert _exit_code(["run-layer", "layer=gold", "datasets=[daily_revenue]"]) == 1
    assert (f"Missing input: gold/daily_revenue: the silver table does not exist at "
            f"{lh}/silver/orders; run `prodi run-layer layer=silver` first"
            ) in _plain(capsys.readouterr().err)

    assert _exit_code(["run-layer", "layer=raw", "run.date=2026-01-03"]) == 1
    assert (f"Missing input: raw/orders: the landing folder does not exist at {lh}/landing/orders; "
            "deliver the files (orders_*.csv) there") in _plain(capsys.readouterr().err)

    assert _exit_code(["run-layer", "layer=silver", "datasets=[orders,customers]",
                       "run.allow_missing_upstream=true"]) == 0
    err = capsys.readouterr().err
    for name in ("orders", "customers"):
        assert (f"silver/{name}: the bronze table does not exist at {lh}/bronze/{name}; run "
                "`prodi run-layer layer=bronze` first (skipped: run.allow_missing_upstream=true)"
                ) in err
    statuses = {line.split()[1]: line.split()[2] for line in err.splitlines()
                if line.startswith("silver ")}
    assert statuses == {"orders": "skipped", "customers": "skipped"}
    assert not (lh / "silver").exists()


def test_first_runs_keep_the_cwd_empty_and_count_warnings_among_kept_rows(first_shell: Path,
                                                                           capsys) -> None:
    conf, lh = first_shell / "conf", first_shell / "lh"
    (conf / "pipeline").mkdir(parents=True)
    (conf / "pipeline" / "tiny.yaml").write_text(PIPELINE)
    tiny = ["--config-dir", str(conf), "pipeline=tiny"]
    (lh / "landing" / "items").mkdir(parents=True)
    (lh / "landing" / "later").mkdir(parents=True)

    # a landing folder that is there with nothing in it is not missing: nothing new
    assert _exit_code(["run-layer", "layer=raw", *tiny]) == 0
    assert not (lh / "raw" / "items").exists()
    for day, text in ITEMS.items():
        (lh / "landing" / "items" / f"items_{day}.csv").write_text(text)
    main(["run-layer", "layer=raw", *tiny])
    capsys.readouterr()

    main(["run-layer", "layer=bronze", f"run.date={D1}", *tiny])
    err = capsys.readouterr().err
    assert "bronze/items: read 6 wrote 3 quarantined 2 dropped 1 superseded 0" in err
    # raw has run, but holds nothing of `later` yet: nothing upstream, not a missing input
    assert (f"bronze/later: the raw table has no rows of later yet (its layer has run, but "
            f"nothing of this dataset was delivered so far?): {lh}/raw/later does not exist: "
            "skipped") in err
    warned = [line.split(" | ")[-1] for line in err.splitlines() if "fail noted" in line]
    assert warned == ["bronze/items: 1 row(s) fail noted, kept (warn only); e.g. [{'_source_file': "
                      f"'{lh}/landing/items/items_{D1}.csv', '_record_number': 4, 'note': None}}]"]

    # bronze again: raw exists with nothing new, so it is up to date, not missing
    assert _exit_code(["run-layer", "layer=bronze", f"run.date={D1}", *tiny]) == 0
    assert "up to date with raw/items" in capsys.readouterr().err

    assert _exit_code(["run-layer", "-m", "layer=bronze", f"run.date={D1},{D2}", *tiny]) == 0
    assert list(Path.cwd().iterdir()) == []
    records = lh / "_prodi" / "hydra"
    assert len(list(records.glob("*/*/multirun.yaml"))) == 1
    assert len(list(records.glob("*/*/[01]/.hydra/overrides.yaml"))) == 2
    assert list(records.glob("*/*/.hydra/config.yaml"))  # the single runs'
