"""Pages of a REST JSON API: requests with timeouts and retries, page after page.

Retries are urllib3's own (`Retry`): connection errors, read timeouts, 5xx and 429 are tried
again with exponential backoff, a 429/503 waits what its `Retry-After` says, and no wait is
longer than `max_wait_seconds`. What a page holds is not judged here beyond what pagination
needs: each response is handed to `land` before anything reads its records.

No Spark here; the retry shape is also the `http` source's option (pagination's is in
`prodi.io.http_paging`, credentials' in `prodi.io.http_auth`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import urllib3
from urllib3.util import Retry

from prodi.io.http_paging import UNKNOWN, PaginationError, Paging, Seen, at_path
from prodi.secrets.vault import SecretVault

RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})
# Response headers kept in the manifest (the rest may carry cookies or tokens).
HEADERS_KEPT = ("content-type", "content-length", "date", "etag", "last-modified", "link",
                "retry-after", "x-request-id", "x-ratelimit-limit", "x-ratelimit-remaining",
                "x-ratelimit-reset")


class HttpError(Exception):
    """A request that still failed after its retries. `url` has its credentials masked."""

    def __init__(self, url: str, status: int | None, detail: str) -> None:
        self.url, self.status, self.detail = url, status, detail
        what = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"GET {url} failed: {what} ({detail})")


@dataclass(frozen=True)
class Retries:
    count: int = 3  # tries after the first, for each page
    backoff_factor: float = 0.5  # waits backoff_factor * 2^(n-1) seconds before try n+1
    max_wait_seconds: float = 60.0  # no wait longer, whatever Retry-After says


class CappedRetry(Retry):
    """urllib3's Retry whose Retry-After wait is capped (older urllib3 2.x can't cap it)."""

    def __init__(self, *args: Any, max_wait: float = 60.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_wait = max_wait

    def new(self, **kwargs: Any) -> CappedRetry:
        kwargs.setdefault("max_wait", self.max_wait)
        return super().new(**kwargs)

    def get_retry_after(self, response: Any) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.max_wait)


@dataclass(frozen=True)
class Response:
    url: str  # as requested (credentials included: mask before showing it)
    status: int
    headers: dict[str, str]  # the ones in HEADERS_KEPT, lower-case names
    body: bytes
    retried: tuple[str, ...]  # why each earlier try failed (a status or an error name)


class Client:
    """GET with a pool, timeouts, retries, and the source's headers (credentials included)."""

    def __init__(self, timeout_seconds: float, retries: Retries, headers: dict[str, str],
                 mask: Callable[[str], str]) -> None:
        retry = CappedRetry(
            total=None, connect=retries.count, read=retries.count,
            status=retries.count, other=0, redirect=5, allowed_methods=frozenset({"GET"}),
            status_forcelist=RETRIED_STATUS, backoff_factor=retries.backoff_factor,
            backoff_max=retries.max_wait_seconds, respect_retry_after_header=True,
            raise_on_status=False, max_wait=retries.max_wait_seconds,
            # a redirect to another host gets none of the credentials
            remove_headers_on_redirect=frozenset(
                {"Authorization", "Cookie", "Proxy-Authorization", *headers}))
        self.pool = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=timeout_seconds, read=timeout_seconds),
            retries=retry, headers=headers)
        self.mask = mask

    def get(self, url: str) -> Response:
        """The response (any status); raises HttpError when no response came after the retries."""
        try:
            r = self.pool.request("GET", url)
        except urllib3.exceptions.MaxRetryError as exc:
            reason = exc.reason
            raise HttpError(self.mask(url), None, self.mask(
                f"{type(reason).__name__}: {_reason(reason)}")) from None
        except urllib3.exceptions.HTTPError as exc:  # e.g. a URL that doesn't parse
            raise HttpError(self.mask(url), None,
                            self.mask(f"{type(exc).__name__}: {exc}")) from None
        history = r.retries.history if r.retries is not None else ()
        retried = tuple(str(h.status) if h.status is not None else type(h.error).__name__
                        for h in history)
        kept = {k.lower(): v for k, v in r.headers.items() if k.lower() in HEADERS_KEPT}
        return Response(url, r.status, kept, r.data, retried)


def _reason(reason: Exception | None) -> str:
    text = str(reason) if reason is not None else "unknown"
    # urllib3 prefixes "HTTPConnectionPool(host=..., port=...): "; the URL is said elsewhere
    return text.split("): ", 1)[-1]


# -- a run's pages ------------------------------------------------------------------------------


@dataclass
class Fetch:
    """How a run's requests went: every page landed, whether pagination reached its end."""

    pages: int = 0
    complete: bool = True  # False: a malformed page hid where the next one is
    stopped_at: int | None = None  # that page
    urls: list[str] = field(default_factory=list)  # masked


def seen(response: Response, records_path: str) -> Seen:
    """The page as pagination reads it (JSON and records are None when absent)."""
    try:
        body = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Seen(None, None, response.headers.get("link"))
    try:
        records = at_path(body, records_path)
    except KeyError:
        records = None
    return Seen(body, records if isinstance(records, list) else None, response.headers.get("link"))


def fetch(client: Client, url: str, paging: Paging, records_path: str, max_pages: int,
          land: Callable[[int, Response], None]) -> Fetch:
    """Request page after page from `url`, handing each response to `land` before reading it.
    Raises HttpError for a page that failed (status >= 400 after retries), PaginationError for
    more than `max_pages` pages, a loop, or a next page on another host."""
    done = Fetch()
    requested: set[str] = set()
    home = urlsplit(url)[:2]
    current: str | None = paging.first(url)
    while current is not None:
        if done.pages == max_pages:
            raise PaginationError(f"more than max_pages={max_pages} pages (the last one, "
                                  f"{client.mask(current)}, still had a next page)")
        if current in requested:
            raise PaginationError(f"pagination loops: {client.mask(current)} was requested "
                                  "before")
        if urlsplit(current)[:2] != home:
            raise PaginationError(f"the next page {client.mask(current)} is not on "
                                  f"{home[0]}://{home[1]}; credentials are only sent there")
        requested.add(current)
        response = client.get(current)
        if response.status >= 400:
            retries = f" after {len(response.retried)} retries" if response.retried else ""
            raise HttpError(client.mask(current), response.status, client.mask(
                f"{retries.strip() or 'not retried'}; body: "
                f"{response.body[:200].decode('utf-8', 'replace')!r}"))
        done.pages += 1
        done.urls.append(client.mask(current))
        land(done.pages, response)
        following = paging.next(current, seen(response, records_path))
        if following == UNKNOWN:
            done.complete, done.stopped_at = False, done.pages
            following = None
        current = following
    return done


def masker(secrets: list[str]) -> SecretVault:
    """Masks the given values (raw, URL-encoded, base64) in text: `.redact(text)`."""
    vault = SecretVault()
    for value in secrets:
        vault.add(value)
    return vault
