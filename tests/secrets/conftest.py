"""Local servers for the provider tests: every request stays on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

import pytest

Handler = Callable[[str, str], tuple[int, dict]]  # (method, path) -> (status, json body)


@pytest.fixture(autouse=True)
def _no_proxy_for_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep requests to 127.0.0.1 off any proxy configured on the machine."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


class JsonServer:
    """A threaded http.server on 127.0.0.1 answering every GET with `handler(method, path)`."""

    def __init__(self, handler: Handler) -> None:
        self.requests: list[str] = []
        outer = self

        class _RequestHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                outer.requests.append(self.path)
                status, body = handler("GET", self.path)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _RequestHandler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> JsonServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture(scope="session")
def databricks_secrets() -> dict[tuple[str, str], str]:
    """What the fake Databricks workspace holds."""
    return {("pg", "password"): "db-s3cret!", ("bars", "canary"): "tweet tweet"}


@pytest.fixture(scope="session")
def databricks_server(databricks_secrets: dict[tuple[str, str], str]) -> Iterator[JsonServer]:
    """`GET /api/2.0/secrets/get?scope=..&key=..` as the Databricks REST API answers it."""

    def handle(method: str, path: str) -> tuple[int, dict]:
        url = urlparse(path)
        if url.path != "/api/2.0/secrets/get":
            # e.g. /.well-known/databricks-config probed by WorkspaceClient: not a workspace we know
            return 404, {"error_code": "NOT_FOUND", "message": f"no route {url.path}"}
        query = parse_qs(url.query)
        scope, key = query.get("scope", [""])[0], query.get("key", [""])[0]
        if scope == "denied":
            return 403, {"error_code": "PERMISSION_DENIED", "message": "User has no READ on scope"}
        if (scope, key) not in databricks_secrets:
            return 404, {
                "error_code": "RESOURCE_DOES_NOT_EXIST",
                "message": f"Failed to get secret {key} for scope {scope}.",
            }
        return 200, {"key": key, "value": _b64(databricks_secrets[(scope, key)])}

    with JsonServer(handle) as server:
        yield server


@pytest.fixture(scope="session")
def gcp_secrets() -> dict[str, str]:
    """What the fake Secret Manager holds, by resource name of the latest version."""
    return {
        "projects/prodi-dev/secrets/pg__password/versions/latest": "gcp-s3cret",
        "projects/prodi-dev/secrets/bars_eu__api-key/versions/latest": "k3y.with/slash",
    }


@pytest.fixture(scope="session")
def gcp_server(gcp_secrets: dict[str, str]) -> Iterator[JsonServer]:
    """`GET /v1/{name}:access` as the Secret Manager REST API answers it."""
    access = re.compile(r"^/v1/(?P<name>[^?]+):access(?:\?.*)?$")

    def handle(method: str, path: str) -> tuple[int, dict]:
        m = access.match(path)
        name = unquote(m.group("name")) if m else ""
        if "/secrets/denied__" in name:
            return 403, {
                "error": {
                    "code": 403,
                    "message": "Permission denied",
                    "status": "PERMISSION_DENIED",
                }
            }
        if name not in gcp_secrets:
            return 404, {
                "error": {
                    "code": 404,
                    "message": f"Secret [{name}] not found or has no versions.",
                    "status": "NOT_FOUND",
                }
            }
        return 200, {"name": name, "payload": {"data": _b64(gcp_secrets[name])}}

    with JsonServer(handle) as server:
        yield server
