"""Pages of a REST API against a real local server: every pagination style, retries (429 with
Retry-After, 5xx, read timeouts) through urllib3, credentials, and masking. No Spark."""

from __future__ import annotations

import json
import time

import pytest

from prodi.io.http_auth import ApiKeyAuth, BasicAuth, BearerAuth
from prodi.io.http_pages import Client, HttpError, Response, Retries, fetch, masker
from prodi.io.http_paging import (
    Cursor,
    LinkHeader,
    NextLink,
    Offset,
    PageNumber,
    PaginationError,
    next_link,
    with_params,
)
from prodi.io.http_records import MalformedPage, records_of
from tests.sources.http_api import Api, api_fixture  # noqa: F401 - the `api` fixture

KEY = "k3y/with+odd=chars"
RECORDS = [{"id": f"r{i}", "updated_at": f"2026-01-0{i}T00:00:00Z", "n": i} for i in range(1, 6)]
FAST = Retries(count=3, backoff_factor=0.01, max_wait_seconds=5)

STYLES = {  # route, paging, where the records are
    "page": ("page", PageNumber(size=2), "data.items"),
    "offset": ("offset", Offset(limit=2), "data.items"),
    "next_link": ("next", NextLink(next_path="links.next"), "data.items"),
    "link_header": ("link", LinkHeader(), ""),
    "cursor": ("cursor", Cursor(cursor_path="next_cursor"), "items"),
}


def _get(api: Api, route: str, paging, records_path: str, *, retries: Retries = FAST,
         timeout: float = 5.0, headers: dict | None = None, query: dict | None = None,
         max_pages: int = 100) -> tuple[list[Response], list[dict]]:
    mask = masker([KEY])
    client = Client(timeout, retries, headers or {}, mask.redact)
    landed: list[Response] = []
    url = with_params(f"{api.url}/{route}/items", query) if query else f"{api.url}/{route}/items"
    fetch(client, paging.first(url), paging, records_path, max_pages,
          lambda n, r: landed.append(r))
    records = [r for page in landed
               for r in records_of(page.body.decode(), records_path)]
    return landed, records


def _as_text(record: dict) -> dict:
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in record.items()}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_reads_every_record_once_in_order(api: Api, style: str) -> None:
    api.resources["items"] = RECORDS
    route, paging, path = STYLES[style]
    pages, records = _get(api, route, paging, path)
    assert records == [_as_text(r) for r in RECORDS]
    assert len(pages) == 3  # 2 + 2 + 1: the short page ends page/offset pagination


def test_page_pagination_ends_at_an_empty_page(api: Api) -> None:
    api.resources["items"] = RECORDS[:4]
    pages, records = _get(api, "page", PageNumber(size=2), "data.items")
    assert [json.loads(p.body)["data"]["items"] for p in pages][-1] == []
    assert [r["id"] for r in records] == ["r1", "r2", "r3", "r4"]
    assert [s.query["page"] for s in api.seen("items")] == ["1", "2", "3"]


def test_429_honours_retry_after_and_a_500_is_retried(api: Api) -> None:
    api.resources["items"] = RECORDS
    api.fault("items", 2, status=429, retry_after=1)
    api.fault("items", 3, status=500)
    started = time.monotonic()
    pages, records = _get(api, "page", PageNumber(size=2), "data.items")
    assert time.monotonic() - started >= 1.0  # waited what Retry-After said, not the backoff
    assert [r["id"] for r in records] == ["r1", "r2", "r3", "r4", "r5"]
    assert [p.retried for p in pages] == [(), ("429",), ("500",)]
    assert [(s.page, s.status) for s in api.seen("items")] == \
        [(1, 200), (2, 429), (2, 200), (3, 500), (3, 200)]


def test_a_retry_after_longer_than_the_cap_waits_the_cap(api: Api) -> None:
    api.resources["items"] = RECORDS[:1]
    api.fault("items", 1, status=503, retry_after=600)
    started = time.monotonic()
    _, records = _get(api, "page", PageNumber(size=2), "data.items",
                      retries=Retries(count=2, backoff_factor=0, max_wait_seconds=0.2))
    assert time.monotonic() - started < 3 and [r["id"] for r in records] == ["r1"]


def test_a_slow_page_is_requested_again_after_the_read_timeout(api: Api) -> None:
    api.resources["items"] = RECORDS
    api.fault("items", 2, delay=1.5)
    pages, records = _get(api, "cursor", Cursor(), "items", timeout=0.4)
    assert [r["id"] for r in records] == ["r1", "r2", "r3", "r4", "r5"]
    assert pages[1].retried == ("ReadTimeoutError",)


def test_a_page_that_keeps_failing_raises_with_the_key_masked(api: Api) -> None:
    api.resources["items"] = RECORDS
    api.auth["items"] = ("query", "api_key", KEY)
    api.fault("items", 2, status=500, times=None)
    with pytest.raises(HttpError) as failed:
        _get(api, "next", NextLink(), "data.items", query={"api_key": KEY},
             retries=Retries(count=2, backoff_factor=0, max_wait_seconds=1))
    assert failed.value.status == 500
    text = str(failed.value)
    assert "api_key=***" in text and "HTTP 500" in text and "after 2 retries" in text
    assert KEY not in text and "k3y" not in text
    assert [s.status for s in api.seen("items")] == [200, 500, 500, 500]


def test_no_response_after_the_retries_names_the_cause(api: Api) -> None:
    api.resources["items"] = RECORDS
    api.fault("items", 1, delay=1.0, times=None)
    with pytest.raises(HttpError) as failed:
        _get(api, "page", PageNumber(size=2), "data.items", timeout=0.2,
             retries=Retries(count=1, backoff_factor=0, max_wait_seconds=1))
    assert failed.value.status is None and "ReadTimeoutError" in str(failed.value)


@pytest.mark.parametrize(("auth", "rule"), [
    (BearerAuth("t0ken"), ("bearer", "t0ken")), (BasicAuth("etl", "pa55"), ("basic", "etl", "pa55")),
    (ApiKeyAuth("X-Api-Key", KEY), ("header", "X-Api-Key", KEY)),
    (ApiKeyAuth("api_key", KEY, "query"), ("query", "api_key", KEY))])
def test_each_auth_kind_is_sent_and_a_wrong_one_is_not_retried(api: Api, auth, rule) -> None:
    api.resources["items"] = RECORDS
    api.auth["items"] = rule
    _, records = _get(api, "link", LinkHeader(), "", headers=auth.headers(), query=auth.query())
    assert len(records) == 5
    api.requests.clear()
    with pytest.raises(HttpError) as failed:
        _get(api, "link", LinkHeader(), "")
    assert failed.value.status == 401 and len(api.requests) == 1


def test_pagination_that_runs_away_or_leaves_the_host_fails(api: Api) -> None:
    api.resources["items"] = RECORDS
    with pytest.raises(PaginationError, match="more than max_pages=2"):
        _get(api, "page", PageNumber(size=2), "data.items", max_pages=2)
    api.fault("items", 1, body=json.dumps({"data": {"items": []},
                                          "links": {"next": "http://elsewhere.invalid/x"}}))
    with pytest.raises(PaginationError, match="not on http://127.0.0.1"):
        _get(api, "next", NextLink(), "data.items")
    api.fault("items", 1, body=json.dumps({"data": {"items": []},
                                          "links": {"next": "/next/items"}}))
    with pytest.raises(PaginationError, match="loops"):
        _get(api, "next", NextLink(), "data.items")


def test_a_malformed_page_ends_next_link_pagination_but_not_page_pagination(api: Api) -> None:
    api.resources["items"] = RECORDS
    api.fault("items", 2, body="<html>oops</html>", times=None)
    client = Client(5, FAST, {}, str)
    done = fetch(client, f"{api.url}/next/items", NextLink(), "data.items", 10, lambda n, r: None)
    assert (done.pages, done.complete, done.stopped_at) == (2, False, 2)
    url = PageNumber(size=2).first(f"{api.url}/page/items")
    done = fetch(client, url, PageNumber(size=2), "data.items", 10, lambda n, r: None)
    assert (done.pages, done.complete) == (3, True)


def test_link_header_next_target() -> None:
    assert next_link('<https://a/x?page=1>; rel="prev", <https://a/x?page=3>; rel="next"') == \
        "https://a/x?page=3"
    assert next_link('<https://a/n>; title="t"; rel="next last"') == "https://a/n"
    assert next_link('<https://a/p>; rel="prev"') is None and next_link("") is None


def test_credentials_are_masked_raw_and_url_encoded() -> None:
    mask = masker([KEY, "t0ken"])
    url = with_params("https://api.example.com/v1/x?a=1", {"api_key": KEY})
    assert KEY not in url  # it is URL-encoded there
    assert mask.redact(url) == "https://api.example.com/v1/x?a=1&api_key=***"
    assert mask.redact("Bearer t0ken") == "Bearer ***"


def test_records_keep_scalars_as_delivered_and_nested_values_as_json() -> None:
    page = ('{"data": {"items": [{"a": 1.50, "b": "x", "c": {"d": [1, 2.0e3]}, "e": true, '
            '"f": null}, {"g": "ü"}]}}')
    assert records_of(page, "data.items") == [
        {"a": "1.50", "b": "x", "c": '{"d":[1,2.0e3]}', "e": "true", "f": None}, {"g": "ü"}]
    assert records_of('[{"a": 1}]', "") == [{"a": "1"}]


@pytest.mark.parametrize(("text", "rule"), [("<html>", "parseable_json"),
                                            ('{"data": {}}', "has_records"),
                                            ('{"data": {"items": [1, 2]}}', "has_records"),
                                            ('{"data": {"items": "x"}}', "has_records")])
def test_malformed_pages(text: str, rule: str) -> None:
    with pytest.raises(MalformedPage) as bad:
        records_of(text, "data.items")
    assert bad.value.rule == rule
