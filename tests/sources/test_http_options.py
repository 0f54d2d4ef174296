"""The http source's options: checked with no JVM and no network, errors with key paths, the
dry-run plan with credentials as references, and resolution for the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodi.cli.main import main
from prodi.io.http_auth import ApiKeyAuth
from prodi.io.http_paging import Cursor
from prodi.model.errors import ConfigError
from prodi.sources.http import Http

P = "pipeline.datasets.orders.raw.source"
GOOD = {"type": "http", "base_url": "https://api.example.com/v1", "path": "orders",
        "records_path": "data.items", "params": {"status": "all"},
        "pagination": {"style": "cursor", "cursor_param": "after", "cursor_path": "meta.next"},
        "auth": {"type": "api_key", "name": "key", "value": "<<secrets/api/key>>", "in": "query"},
        "watermark_field": "updated_at", "watermark_param": "since",
        "watermark_type": "timestamp", "lookback": "1 hour"}


def bind(**changes) -> tuple[Http | None, list[ConfigError]]:
    options = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    errors: list[ConfigError] = []
    source = Http.bind("http", {k: v for k, v in options.items() if k != "type"}, P, errors)
    if source is not None:
        errors += source.validate(None)  # needs nothing of the item
    return source, errors


def messages(**changes) -> list[str]:
    return [e.render() for e in bind(**changes)[1]]


def test_good_options_build_typed_styles() -> None:
    source, errors = bind()
    assert errors == []
    assert source.options.pagination == Cursor(cursor_param="after", cursor_path="meta.next")
    assert source.options.auth == ApiKeyAuth("key", "<<secrets/api/key>>", "query")


@pytest.mark.parametrize(("changes", "expected"), [
    ({"pagination": {"style": "pages"}},
     f"{P}.pagination.style: expected one of next_link, link_header, page, offset, cursor, none"),
    ({"pagination": {"style": "page", "size": 0}}, f"{P}.pagination.size: expected at least 1"),
    ({"pagination": {"style": "page", "cursor_path": "x"}}, f"{P}.pagination.cursor_path: "
                                                            "expected a known key"),
    ({"auth": {"type": "api_key", "name": "k", "value": "v", "location": "query"}},
     f"{P}.auth.location: expected a known key"),
    ({"auth": {"type": "bearer"}}, f"{P}.auth.token: expected a value"),
    ({"auth": {"type": "oauth"}}, f"{P}.auth.type: expected one of bearer, basic, api_key"),
    ({"base_url": "ftp://x"}, f"{P}.base_url: expected an http:// or https:// URL"),
    ({"watermark_type": "string"}, f"{P}.lookback: expected watermark_type a number, date or "
                                   "timestamp type"),
    ({"watermark_type": "timestmp"}, f"{P}.watermark_type: expected a Spark SQL type"),
    ({"lookback": "an hour"}, f"{P}.lookback: expected an interval"),
    ({"watermark_field": None}, f"{P}.watermark_param: expected watermark_field to be set too"),
    ({"params": {"since": "x"}}, f"{P}.watermark_param: expected a query parameter no other "
                                 "option sets (also set by params.since)"),
    ({"params": {"key": "x"}}, f"{P}.auth.name: expected a query parameter no other option"),
    ({"records_path": "data..items"}, f"{P}.records_path: expected a dotted path"),
    ({"retries": {"count": -1}}, f"{P}.retries.count: expected 0 or more"),
    ({"replay_run": "../x"}, f"{P}.replay_run: expected a run id"),
])
def test_bad_options_are_errors_at_their_key_path(changes: dict, expected: str) -> None:
    assert any(m.startswith(expected) for m in messages(**changes)), messages(**changes)


def test_the_run_gets_resolved_options_and_the_values_to_mask() -> None:
    source, _ = bind(headers={"X-Tenant": "acme-<<secrets/api/tenant>>"})
    values = {"<<secrets/api/key>>": "K-123", "<<secrets/api/tenant>>": "T-9"}

    def resolve(node, path):
        if isinstance(node, str):
            for ref, value in values.items():
                node = node.replace(ref, value)
            return node
        if isinstance(node, dict):
            return {k: resolve(v, path) for k, v in node.items()}
        return node

    run = source.resolved(resolve)
    assert run.options.auth == ApiKeyAuth("key", "K-123", "query")
    assert run.options.headers == {"X-Tenant": "acme-T-9"}
    assert set(run.secrets) == {"K-123", "T-9"}
    assert source.options.auth.value == "<<secrets/api/key>>"  # the bound one keeps references


def test_plan_shows_references_and_masks_literal_credentials() -> None:
    source, _ = bind(auth={"type": "basic", "user": "etl", "password": "literal-pw"})
    plan = source.plan(_Item())
    text = str(plan)
    assert "literal-pw" not in text and "password=***" in plan["auth"]
    assert plan["reads"].startswith("GET https://api.example.com/v1/orders?status=all&since=")
    assert "cursor (cursor_param=after, cursor_path=meta.next)" in plan["pagination"]
    assert "since=<the mark minus 1 hour>" in plan["incremental"]
    assert plan["responses"] == "/landing/_responses/orders/<landed date>/<run id>/page-NNNNNN.json"
    source, _ = bind()
    assert source.plan(_Item())["auth"] == "type=api_key, name=key, value=<<secrets/api/key>>, in=query"


class _Item:
    name = "orders"

    class app:  # noqa: N801
        class cloud:  # noqa: N801
            class storage:  # noqa: N801
                landing = "/landing"


def test_dry_run_plan_needs_no_network_and_shows_no_secret(isolated_run: Path, capfd,
                                                          monkeypatch) -> None:
    monkeypatch.setenv("PRODI_SECRET__API__TOKEN", "s3cret-value")
    conf = isolated_run / "conf" / "pipeline"
    conf.mkdir(parents=True)
    (conf / "api.yaml").write_text("""\
name: api
datasets:
  orders:
    raw:
      source: {type: http, base_url: "http://127.0.0.1:9", path: /orders,
               pagination: {style: link_header},
               auth: {type: bearer, token: "<<secrets/api/token>>"}}
""", encoding="utf-8")
    main(["run-layer", "layer=raw", "--config-dir", str(conf.parent), "pipeline=api",
          "dry_run=true"])
    out = capfd.readouterr()
    assert "GET http://127.0.0.1:9/orders" in out.out and "link_header" in out.out
    assert "token=<<secrets/api/token>>" in out.out
    assert "s3cret-value" not in out.out + out.err
