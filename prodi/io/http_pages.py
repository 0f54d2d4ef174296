"""Pages of a REST JSON API: requests with timeouts and retries, pagination, credentials.

Retries are urllib3's own (`Retry`): connection errors, read timeouts, 5xx and 429 are tried
again with exponential backoff, a 429/503 waits what its `Retry-After` says, and no wait is
longer than `max_wait_seconds`. What a page holds is not judged here beyond what pagination
needs: each response is handed to `land` before anything reads its records.

No Spark here; the pagination, auth and retry shapes are also the `http` source's options.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import urllib3
from urllib3.util import Retry

from prodi.model.errors import ConfigError, describe
from prodi.model.tree import join
from prodi.model.typed import build
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


class PaginationError(Exception):
    """Pagination that would never end, or leave the API's host."""


# -- pagination ---------------------------------------------------------------------------------


def with_params(url: str, params: dict[str, str]) -> str:
    """`url` with `params` set in its query (replacing values of the same names)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*query, *params.items()])))


def at_path(body: Any, path: str) -> Any:
    """The value at a dotted path (`data.items`; empty: the body itself); KeyError if absent."""
    for key in filter(None, path.split(".")):
        if not isinstance(body, dict) or key not in body:
            raise KeyError(path)
        body = body[key]
    return body


@dataclass(frozen=True)
class Seen:
    """What pagination may read of a fetched page: its JSON (None if it isn't JSON), its records
    (None if there are none at the records path) and its `Link` header."""

    body: Any
    records: list | None
    link: str | None


# What `next` returns when the page doesn't say where the next one is (a malformed page).
UNKNOWN = "unknown"


@dataclass(frozen=True)
class NextLink:
    style: Literal["next_link"] = "next_link"
    next_path: str = "links.next"  # where the body holds the next page's URL (null: the last)

    def first(self, url: str) -> str:
        return url

    def next(self, url: str, page: Seen) -> str | None:
        if page.body is None:
            return UNKNOWN
        try:
            link = at_path(page.body, self.next_path)
        except KeyError:
            return None
        return urljoin(url, link) if isinstance(link, str) and link else None


@dataclass(frozen=True)
class LinkHeader:
    """RFC 8288 (5988) `Link: <url>; rel="next"`."""

    style: Literal["link_header"] = "link_header"

    def first(self, url: str) -> str:
        return url

    def next(self, url: str, page: Seen) -> str | None:
        link = next_link(page.link or "")
        return urljoin(url, link) if link else None


_LINK = re.compile(r'<([^>]*)>\s*((?:;\s*[^;,]+)*)')


def next_link(header: str) -> str | None:
    """The `rel="next"` target of a `Link` header, or None."""
    for target, attributes in _LINK.findall(header):
        for attribute in attributes.split(";"):
            name, _, value = attribute.strip().partition("=")
            if name.strip().lower() == "rel" and "next" in value.strip().strip('"').split():
                return target
    return None


@dataclass(frozen=True)
class PageNumber:
    """`page=1&page_size=100`, `page=2...`: ends at an empty or short page."""

    style: Literal["page"] = "page"
    page_param: str = "page"
    size_param: str = "page_size"
    size: int = 100
    start: int = 1

    def first(self, url: str) -> str:
        return with_params(url, {self.page_param: str(self.start), self.size_param: str(self.size)})

    def next(self, url: str, page: Seen) -> str | None:
        if page.records is not None and len(page.records) < self.size:
            return None
        number = int(dict(parse_qsl(urlsplit(url).query))[self.page_param])
        return with_params(url, {self.page_param: str(number + 1)})


@dataclass(frozen=True)
class Offset:
    """`offset=0&limit=100`, `offset=100...`: ends at an empty or short page."""

    style: Literal["offset"] = "offset"
    offset_param: str = "offset"
    limit_param: str = "limit"
    limit: int = 100

    def first(self, url: str) -> str:
        return with_params(url, {self.offset_param: "0", self.limit_param: str(self.limit)})

    def next(self, url: str, page: Seen) -> str | None:
        if page.records is not None and len(page.records) < self.limit:
            return None
        offset = int(dict(parse_qsl(urlsplit(url).query))[self.offset_param])
        return with_params(url, {self.offset_param: str(offset + self.limit)})


@dataclass(frozen=True)
class Cursor:
    """The body names the next page's cursor (absent, null or empty: the last page)."""

    style: Literal["cursor"] = "cursor"
    cursor_param: str = "cursor"
    cursor_path: str = "next_cursor"

    def first(self, url: str) -> str:
        return url

    def next(self, url: str, page: Seen) -> str | None:
        if page.body is None:
            return UNKNOWN
        try:
            cursor = at_path(page.body, self.cursor_path)
        except KeyError:
            return None
        if cursor is None or cursor == "":
            return None
        return with_params(url, {self.cursor_param: cursor if isinstance(cursor, str)
                                 else json.dumps(cursor)})


@dataclass(frozen=True)
class Single:
    """No pagination: one request."""

    style: Literal["none"] = "none"

    def first(self, url: str) -> str:
        return url

    def next(self, url: str, page: Seen) -> str | None:
        return None


Paging = NextLink | LinkHeader | PageNumber | Offset | Cursor | Single
STYLES: dict[str, type] = {"next_link": NextLink, "link_header": LinkHeader, "page": PageNumber,
                           "offset": Offset, "cursor": Cursor, "none": Single}


def by_kind(kinds: dict[str, type], key: str, data: Any, path: str, errors: list[ConfigError]
             ) -> Any:
    if not isinstance(data, dict):
        errors.append(ConfigError(path, f"a mapping with {key}: {' | '.join(kinds)}",
                                  describe(data)))
        return None
    kind = data.get(key)
    if kind not in kinds:
        errors.append(ConfigError(join(path, key), f"one of {', '.join(kinds)}", describe(kind)))
        return None
    return build(kinds[kind], data, path, errors)


class Pagination:
    """`pagination:` as written: one of the styles, by its `style`."""

    @classmethod
    def from_config(cls, data: Any, path: str, errors: list[ConfigError]) -> Paging | None:
        return by_kind(STYLES, "style", data, path, errors)


# -- requests -----------------------------------------------------------------------------------


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
