"""`prodi report` in a real browser: headless Chromium renders the page from ledger-like records
(no Spark), with no console message and no network request, and takes a screenshot."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from prodi.app.lineage import lineage
from prodi.app.preflight import preflight
from prodi.app.report import build_report
from prodi.observability.lineage_svg import lineage_svg
from prodi.observability.report_html import render
from tests.app.test_report import _item, _run

pytestmark = pytest.mark.slow
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"),
                             shutil.which("chromium-browser")) if p and Path(p).exists()), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,2000", "--enable-logging=stderr", "--v=0"]


def screenshot(page: Path, png: Path, scratch: Path) -> tuple[list[str], list[str]]:
    """Render `page` into `png`: the console lines Chromium logged, and the URLs the page
    requested (the browser's own background requests left out)."""
    net = scratch / "net.json"
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={scratch / 'profile'}", f"--screenshot={png}",
         f"--log-net-log={net}", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if re.search(r"CONSOLE[:(]", line)]
    log = json.loads(net.read_text())
    started = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requests = [e["params"]["url"] for e in log["events"] if e["type"] == started
                and "file://" in e["params"].get("network_isolation_key", "")]
    return console, requests


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (/usr/bin/chromium): `make test` "
                    "installs Debian's when it runs as root")
def test_the_report_renders_offline_in_headless_chromium_without_console_errors(tmp_path,
                                                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    (loaded,) = preflight(["layer=gold"])
    graph = lineage(loaded.app, loaded.catalog)
    svg = lineage_svg([(n.id, n.label, n.group) for n in graph.nodes.values()], graph.edges,
                      ["source", *loaded.catalog.names()])
    runs = [_run("s2", "silver", 20, "failed", error="Data problem: 3 rows"), _run("b2", "bronze", 10),
            _run("s1", "silver", 5)]
    items = [_item("s2", "silver", "orders", 0, 0, status="failed"),
             _item("b2", "bronze", "orders", 11, 10, 1, {"amount_is_decimal": 1}),
             _item("s1", "silver", "orders", 5, 4, 1, {"amount_not_negative": 1})]
    page = tmp_path / "report.html"
    page.write_text(render(build_report(runs, items, graph, "/lake", svg)), encoding="utf-8")
    png = tmp_path / "report.png"
    console, requests = screenshot(page, png, tmp_path)
    assert console == [] and requests == []
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 2000)
    assert len(data) > 40_000  # tables, bars and the graph, not a blank page


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (/usr/bin/chromium)")
def test_the_checks_see_a_console_error_and_a_fetch(tmp_path):
    """The render test's own instruments: a page that logs and fetches is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><img src='http://127.0.0.1:9/x.png'>"
                    "<script>console.error('boom')</script>")
    console, requests = screenshot(page, tmp_path / "bad.png", tmp_path)
    assert any("boom" in line for line in console)
    assert requests == ["http://127.0.0.1:9/x.png"]
