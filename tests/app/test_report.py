"""`prodi report` without Spark: the lineage of the composed config, and the page's numbers read
back with an HTML parser."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

from prodi.app.lineage import lineage
from prodi.app.preflight import preflight
from prodi.app.report import build_report
from prodi.observability.lineage_svg import lineage_svg
from prodi.observability.report_html import render

T0 = datetime(2026, 1, 5, tzinfo=timezone.utc)


class Page(HTMLParser):
    """Tables by id, as rows of {data-col: text}; every tag seen; bar counts per rules row."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tables: dict[str, list[dict[str, str]]] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.bars: list[list[str]] = []  # per rules-table row: each bar's count or "not run"
        self._table: str | None = None
        self._col: str | None = None
        self._title = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "table":
            self._table = a.get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table and self.tables[self._table] is not None:
            self.tables[self._table].append({})
            if self._table == "rules":
                self.bars.append([])
        elif tag == "td" and self._table:
            self._col = a.get("data-col")
        elif self._table == "rules" and tag == "rect":
            self.bars[-1].append(a["data-count"])
        elif self._table == "rules" and tag == "circle":
            self.bars[-1].append("not run")

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "table":
            self.tables[self._table] = [r for r in self.tables[self._table] if r]
            self.bars = [b for b in self.bars if b]  # the header row has none
            self._table = None
        elif tag == "td":
            self._col = None

    def handle_data(self, data):  # noqa: ANN001
        if self._table and self._col:
            row = self.tables[self._table][-1]
            row[self._col] = row.get(self._col, "") + data


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo config with one more mart that reads another mart."""
    mp = pytest.MonkeyPatch()
    mp.chdir(tmp_path_factory.mktemp("report"))
    (loaded,) = preflight(["layer=gold", "+pipeline.marts.top_days.sql='SELECT * FROM daily_revenue'"])
    mp.undo()
    return loaded


def test_lineage_has_every_item_of_the_config_and_mart_inputs_from_their_sql(demo):
    graph = lineage(demo.app, demo.catalog)
    pipeline = demo.app.pipeline
    for name, dataset in pipeline.datasets.items():
        for layer in demo.catalog.names():
            assert (f"{layer}.{name}" in graph.nodes) == (dataset.section(layer) is not None)
    assert {f"gold.{m}" for m in pipeline.marts} <= set(graph.nodes)
    edges = set(graph.edges)
    assert ("source.raw.orders", "raw.orders") in edges
    assert "orders_*.csv" not in graph.nodes["source.raw.orders"].label  # the folder, by path
    assert {("raw.orders", "bronze.orders"), ("bronze.orders", "silver.orders"),
            ("silver.orders", "gold.daily_revenue"), ("silver.customers", "gold.revenue_by_country"),
            ("gold.daily_revenue", "gold.top_days")} <= edges
    assert ("silver.customers", "gold.daily_revenue") not in edges
    svg = lineage_svg([(n.id, n.label, n.group) for n in graph.nodes.values()], graph.edges,
                      ["source", *demo.catalog.names()])
    titles = Page(svg)
    assert svg.startswith("<svg") and ("g", {"id": "clust1", "class": "cluster"}) in titles.tags
    assert "silver.orders&#45;&gt;gold.daily_revenue" in svg  # dot's title of that edge


def _run(run_id: str, layer: str, minutes: int, status: str = "ok", **more) -> dict:
    return {"run_id": run_id, "layer": layer, "status": status, "run_date": "2026-01-0" +
            run_id[-1], "started_at": T0 + timedelta(minutes=minutes),
            "ended_at": T0 + timedelta(minutes=minutes, seconds=30), "duration_s": 30.0,
            "error": None, **more}


def _item(run_id: str, layer: str, dataset: str, read: int, written: int, quarantined: int = 0,
          rules: dict | None = None, status: str = "ok") -> dict:
    return {"run_id": run_id, "layer": layer, "dataset": dataset, "status": status,
            "rows_read": read, "rows_written": written, "rows_quarantined": quarantined,
            "rows_dropped": 0, "rows_superseded": read - written - quarantined,
            "version_written": 3, "failed_rules": rules or {},
            "rule_actions": dict.fromkeys(rules or {}, "quarantine")}


def test_the_page_shows_the_ledgers_numbers(demo):
    runs = [  # newest first, as the ledger returns them
        _run("s3", "silver", 30, "failed", error="Data problem: <script>alert(1)</script>"),
        _run("s2", "silver", 20),
        _run("b2", "bronze", 10),
        _run("s1", "silver", 5),
    ]
    items = [
        _item("s3", "silver", "orders", 0, 0, status="failed"),
        _item("s2", "silver", "orders", 9, 6, 2, {"amount_not_negative": 2}),
        _item("s2", "silver", "customers", 0, 0),  # up to date: moved nothing
        _item("b2", "bronze", "orders", 11, 10, 1, {"amount_is_decimal": 1}),
        _item("s1", "silver", "orders", 5, 4, 1, {"amount_not_negative": 1}),
        _item("s1", "silver", "customers", 12, 12),
    ]
    page = Page(render(build_report(runs, items, lineage(demo.app, demo.catalog), "/lake")))
    latest = {r["layer"]: r for r in page.tables["latest"]}
    assert (latest["silver"]["run_id"], latest["silver"]["status"]) == ("s3", "failed")
    assert latest["silver"]["error"] == "Data problem: <script>alert(1)</script>"  # as text
    assert not [t for t, _ in page.tags if t in ("script", "link", "img", "iframe")]
    flows = {(r["layer"], r["dataset"]): r for r in page.tables["flow"]}
    assert {k: flows[("silver", "orders")][k] for k in (
        "run_id", "rows_read", "rows_written", "rows_quarantined", "rows_superseded")} == \
        {"run_id": "s2", "rows_read": "9", "rows_written": "6", "rows_quarantined": "2",
         "rows_superseded": "1"}
    assert flows[("silver", "customers")]["run_id"] == "s1"  # the newest that moved rows
    rules = page.tables["rules"]
    assert [(r["rule"], r["total"], r["latest"]) for r in rules] == \
        [("amount_is_decimal", "1", "1"), ("amount_not_negative", "3", "–")]
    assert page.bars == [["1"], ["1", "2", "not run"]]  # silver's runs, oldest first
    fresh = {(r["layer"], r["dataset"]): r for r in page.tables["freshness"]}
    assert fresh[("silver", "orders")]["run_id"] == "s2"
    assert fresh[("silver", "orders")]["run_date"] == "2026-01-02"
    assert fresh[("gold", "daily_revenue")]["run_date"] == "–"  # never ran
