"""The http source end to end on Spark + Delta, against a real local API through the CLI: every
record lands exactly once through 429s and 500s, a malformed page is quarantined with its URL,
incremental runs by watermark, a failed run loses and duplicates nothing, replay, no secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prodi.cli.main import main
from tests.sources.http_api import Api, api_fixture  # noqa: F401 - the `api` fixture

pytestmark = pytest.mark.spark

TOKEN, KEY, PASSWORD = "t0ken-9f8e7d", "k3y-5a4b3c", "pa55-1q2w3e"
DAY = "2026-02-01"
FAST = "retries: {count: 3, backoff_factor: 0.01, max_wait_seconds: 2}, timeout_seconds: 0.5"
DATA = ("id", "updated_at", "amount", "tags")


def records(*ids: int, day: int | None = None) -> list[dict]:
    return [{"id": f"r{i}", "updated_at": f"2026-01-{day or i:02d}T00:00:00Z", "amount": i * 1.5,
             "tags": ["a", f"t{i}"]} for i in ids]


def as_raw(r: dict) -> tuple:
    """A record as raw keeps it, computed here independently: strings as is, the rest as JSON."""
    return tuple(r[c] if isinstance(r[c], str) else json.dumps(r[c], separators=(",", ":"))
                 for c in DATA)


def configure(root: Path, api: Api) -> Path:
    conf = root / "conf"
    (conf / "pipeline").mkdir(parents=True)
    base = f"type: http, base_url: '{api.url}', {FAST}"
    (conf / "pipeline" / "api.yaml").write_text(f"""\
name: api
datasets:
  orders:
    raw: {{source: {{{base}, path: /page/orders, records_path: data.items,
                     pagination: {{style: page, size: 2}},
                     auth: {{type: bearer, token: "<<secrets/api/token>>"}}}}}}
  broken:
    raw: {{source: {{{base}, path: /link/broken, pagination: {{style: link_header}},
                     auth: {{type: api_key, name: api_key, value: "<<secrets/api/key>>", in: query}}}}}}
  events:
    raw: {{source: {{{base}, path: /cursor/events, records_path: items,
                     pagination: {{style: cursor}}, watermark_field: updated_at,
                     watermark_param: updated_since,
                     auth: {{type: basic, user: etl, password: "<<secrets/api/password>>"}}}}}}
  events_again:
    raw: {{source: {{{base}, path: /cursor/events, records_path: items,
                     pagination: {{style: cursor}}, replay_run: e1,
                     responses_path: "${{cloud.storage.landing}}/_responses/events",
                     auth: {{type: basic, user: etl, password: "<<secrets/api/password>>"}}}}}}
""", encoding="utf-8")
    return conf


@pytest.fixture
def setup(isolated_run: Path, api: Api, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Api]:
    for key, value in {"TOKEN": TOKEN, "KEY": KEY, "PASSWORD": PASSWORD}.items():
        monkeypatch.setenv(f"PRODI_SECRET__API__{key}", value)
    api.auth.update({"orders": ("bearer", TOKEN), "broken": ("query", "api_key", KEY),
                     "events": ("basic", "etl", PASSWORD)})
    return configure(isolated_run, api), api


def raw(conf: Path, run_id: str, *datasets: str) -> None:
    main(["run-layer", "layer=raw", "--config-dir", str(conf), "pipeline=api", f"run.id={run_id}",
          f"run.date={DAY}", f"datasets=[{','.join(datasets)}]"])


def table(spark, root: Path, *parts: str) -> list:
    return spark.read.format("delta").load(str(root.joinpath("lakehouse", *parts))).collect()


def test_every_record_once_through_429_and_500_and_a_malformed_page_quarantined(
        spark_session, setup, capfd) -> None:
    conf, api = setup
    root = conf.parent
    api.resources["orders"] = records(1, 2, 3, 4, 5)
    api.fault("orders", 2, status=429, retry_after=1)
    api.fault("orders", 3, status=500)
    api.resources["broken"] = records(1, 2, 3, 4, 5)
    api.fault("broken", 2, body="<html>maintenance</html>", times=None)
    raw(conf, "r1", "orders", "broken")
    out = capfd.readouterr()

    responses = root / "lakehouse" / "landing" / "_responses"
    pages = [str(responses / "orders" / DAY / "r1" / f"page-00000{n}.json") for n in (1, 2, 3)]
    got = table(spark_session, root, "raw", "orders")
    assert sorted((*(r[c] for c in DATA), r["_source_file"], r["_record_number"], r["_landed_date"])
                  for r in got) == sorted(
        (*as_raw(rec), pages[(i - 1) // 2], 2 - i % 2, DAY)
        for i, rec in enumerate(records(1, 2, 3, 4, 5), 1))
    assert [(s.page, s.status) for s in api.seen("orders")] == \
        [(1, 200), (2, 429), (2, 200), (3, 500), (3, 200)]

    # the malformed page 2 of `broken` is quarantined whole; pages 1 and 3 land
    assert sorted(r["id"] for r in table(spark_session, root, "raw", "broken")) == ["r1", "r2", "r5"]
    (bad,) = table(spark_session, root, "quarantine", "raw", "broken")
    assert bad["_raw_record"] == "<html>maintenance</html>"
    assert bad["_values"]["url"] == f"{api.url}/link/broken?api_key=***&page=2"
    assert bad["_values"]["page"] == "2" and bad["_errors"][0]["rule"] == "parseable_json"
    assert bad["_source_file"] == str(responses / "broken" / DAY / "r1" / "page-000002.json")

    # no credential in landed files, manifests, tables or logs
    landed = "".join(p.read_text() for p in responses.rglob("*.json"))
    manifest = json.loads((responses / "broken" / DAY / "r1" / "manifest.json").read_text())
    assert manifest["pages"][0]["headers"]["link"].count("api_key=***") == 1
    tables = " ".join(str(r) for t in (("raw", "orders"), ("raw", "broken"),
                                       ("quarantine", "raw", "broken"))
                      for r in table(spark_session, root, *t))
    for secret in (TOKEN, KEY):
        assert secret not in landed + tables + out.out + out.err



def test_incremental_runs_a_failed_run_and_replay(spark_session, setup, capfd) -> None:
    conf, api = setup
    root = conf.parent
    api.resources["events"] = records(1, 2, 3, 4, 5)
    raw(conf, "e1", "events")
    first = api.seen("events")
    assert all("updated_since" not in s.query for s in first)  # no mark yet

    # Later: r3 changed, r6 appeared at exactly the mark (r5's updated_at), r7 is new; and the
    # API fails on page 2 until it is fixed
    mark = "2026-01-05T00:00:00Z"
    api.resources["events"] = [*records(1, 2), *records(3, day=6), *records(4, 5),
                               *records(6, day=5), *records(7)]
    api.fault("events", 2, status=500, times=None)
    api.requests.clear()
    with pytest.raises(SystemExit) as failed:
        raw(conf, "e2", "events")
    assert failed.value.code == 1
    err = capfd.readouterr().err
    assert "dataset 'events'" in err and "HTTP 500" in err and "/cursor/events?" in err
    assert "pipeline.datasets.events.raw.source" in err and PASSWORD not in err
    assert {s.query.get("updated_since") for s in api.requests} == {mark}
    assert len(table(spark_session, root, "raw", "events")) == 5  # nothing committed

    api.faults.clear()
    api.requests.clear()
    raw(conf, "e3", "events", "events_again")  # and replay e1's responses into another table
    assert {s.query.get("updated_since") for s in api.seen("events")} == {mark}
    got = table(spark_session, root, "raw", "events")
    expected = [*records(1, 2, 3, 4, 5), *records(3, day=6), *records(6, day=5), *records(7)]
    assert sorted(tuple(r[c] for c in DATA) for r in got) == sorted(map(as_raw, expected))
    assert sorted(r["id"] for r in got if r["_run_id"] == "e3") == ["r3", "r6", "r7"]

    meta = ("_source_file", "_record_number", "_landed_date")
    replayed = table(spark_session, root, "raw", "events_again")
    assert sorted(tuple(r[c] for c in (*DATA, *meta)) for r in replayed) == \
        sorted(tuple(r[c] for c in (*DATA, *meta)) for r in got if r["_run_id"] == "e1")
    landed = "".join(p.read_text() for p in (root / "lakehouse" / "landing").rglob("*.json"))
    assert PASSWORD not in landed + capfd.readouterr().err
