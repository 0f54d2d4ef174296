"""A small REST JSON API on 127.0.0.1 (a real HTTP server in a thread) for the http source's
tests: every pagination style, every auth kind, and faults on demand.

Routes: `/<style>/<resource>` with style
- `page`:   `?page=N&page_size=S`          -> {"data": {"items": [...]}}
- `offset`: `?offset=O&limit=L`            -> {"data": {"items": [...]}}
- `next`:   `?page=N` (server page size)   -> {"data": {"items": [...]}, "links": {"next": ...}}
- `link`:   `?page=N`                       -> [...] with `Link: <...>; rel="next"`
- `cursor`: `?cursor=C`                     -> {"items": [...], "next_cursor": C or null}
`?updated_since=X` keeps the records whose `updated_at` >= X (as text). Next links and Link
headers carry every query parameter of the request (an api key in the query too).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest


@dataclass
class Fault:
    status: int | None = None  # respond with this status (and an error body)
    retry_after: int | None = None
    delay: float = 0.0  # sleep before responding
    body: str | None = None  # respond 200 with this text
    times: int | None = 1  # None: every time


@dataclass(frozen=True)
class Seen:
    resource: str
    page: int
    query: dict[str, str]
    status: int


@dataclass
class Api:
    """The server's data, auth, faults and the requests it saw."""

    per_page: int = 2  # page size of the styles where the server decides it
    resources: dict[str, list[dict]] = field(default_factory=dict)
    auth: dict[str, tuple[str, ...]] = field(default_factory=dict)
    faults: dict[tuple[str, int], list[Fault]] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fault(self, resource: str, page: int, **kwargs) -> None:
        self.faults.setdefault((resource, page), []).append(Fault(**kwargs))

    def seen(self, resource: str) -> list[Seen]:
        return [r for r in self.requests if r.resource == resource]

    def _take_fault(self, resource: str, page: int) -> Fault | None:
        with self.lock:
            for f in self.faults.get((resource, page), []):
                if f.times is None or f.times > 0:
                    if f.times is not None:
                        f.times -= 1
                    return f
        return None


def _authorized(api: Api, resource: str, headers, query: dict[str, str]) -> bool:
    rule = api.auth.get(resource)
    if rule is None:
        return True
    kind, *args = rule
    if kind == "bearer":
        return headers.get("Authorization") == f"Bearer {args[0]}"
    if kind == "basic":
        token = base64.b64encode(f"{args[0]}:{args[1]}".encode()).decode()
        return headers.get("Authorization") == f"Basic {token}"
    if kind == "header":
        return headers.get(args[0]) == args[1]
    return query.get(args[0]) == args[1]  # query


def _handler(api: Api) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            _, style, resource = parts.path.split("/")
            items = [r for r in api.resources.get(resource, [])
                     if "updated_since" not in query or r["updated_at"] >= query["updated_since"]]
            page, chunk, body, headers = _page(api, style, resource, query, items)
            if not _authorized(api, resource, self.headers, query):
                return self._send(resource, page, query, 401, '{"error": "unauthorized"}', {})
            fault = api._take_fault(resource, page)
            if fault is not None:
                time.sleep(fault.delay)
                if fault.status is not None:
                    extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                    return self._send(resource, page, query, fault.status,
                                      '{"error": "injected"}', extra)
                if fault.body is not None:
                    body = fault.body
            self._send(resource, page, query, 200, body, headers)

        def _send(self, resource, page, query, status, body: str, headers) -> None:
            api.requests.append(Seen(resource, page, query, status))
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout)

    return Handler


def _page(api: Api, style: str, resource: str, query: dict[str, str], items: list[dict]):
    """(page number, its records, body, headers) of a request."""
    if style == "page":
        size = int(query["page_size"])
        page = int(query["page"])
        chunk = items[(page - 1) * size: page * size]
        return page, chunk, json.dumps({"data": {"items": chunk}}), {}
    if style == "offset":
        offset, limit = int(query["offset"]), int(query["limit"])
        chunk = items[offset: offset + limit]
        return offset // limit + 1, chunk, json.dumps({"data": {"items": chunk}}), {}
    if style == "cursor":
        start = int(query["cursor"][1:]) if "cursor" in query else 0
        chunk = items[start: start + api.per_page]
        more = start + api.per_page < len(items)
        cursor = f"c{start + api.per_page}" if more else None
        body = json.dumps({"items": chunk, "next_cursor": cursor})
        return start // api.per_page + 1, chunk, body, {}
    page = int(query.get("page", "1"))
    chunk = items[(page - 1) * api.per_page: page * api.per_page]
    more = page * api.per_page < len(items)
    following = f"/{style}/{resource}?{urlencode({**query, 'page': page + 1})}" if more else None
    if style == "next":
        return page, chunk, json.dumps({"data": {"items": chunk}, "links": {"next": following}}), {}
    headers = {"Link": f'<{api.url}{following}>; rel="next", <{api.url}/x>; rel="last"'} \
        if more else {}
    return page, chunk, json.dumps(chunk), headers


@pytest.fixture(name="api")
def api_fixture() -> Iterator[Api]:
    """A running API, stopped after the test."""
    state = Api()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
