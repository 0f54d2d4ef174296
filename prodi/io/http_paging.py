"""Pagination of a REST JSON API: the styles (next link in the body or the `Link` header,
page number, offset, cursor, none), what each reads of a page, and the dotted paths into a body.
No requests here: `prodi.io.http_pages` fetches what these ask for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from prodi.model.errors import ConfigError, describe
from prodi.model.tree import join
from prodi.model.typed import build


class PaginationError(Exception):
    """Pagination that would never end, or leave the API's host."""


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
        link = _in_body(page, self.next_path)
        if link is UNKNOWN:
            return UNKNOWN
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
        return _counted(url, page, self.page_param, 1, self.size)


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
        return _counted(url, page, self.offset_param, self.limit, self.limit)


@dataclass(frozen=True)
class Cursor:
    """The body names the next page's cursor (absent, null or empty: the last page)."""

    style: Literal["cursor"] = "cursor"
    cursor_param: str = "cursor"
    cursor_path: str = "next_cursor"

    def first(self, url: str) -> str:
        return url

    def next(self, url: str, page: Seen) -> str | None:
        cursor = _in_body(page, self.cursor_path)
        if cursor is UNKNOWN:
            return UNKNOWN
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


def _in_body(page: Seen, path: str) -> Any:
    """The value at `path` in the page's body: None when absent, UNKNOWN when it isn't JSON."""
    if page.body is None:
        return UNKNOWN
    try:
        return at_path(page.body, path)
    except KeyError:
        return None


def _counted(url: str, page: Seen, param: str, step: int, size: int) -> str | None:
    """A counted style's next page: `param` moved on by `step`; none after a short page."""
    if page.records is not None and len(page.records) < size:
        return None
    current = int(dict(parse_qsl(urlsplit(url).query))[param])
    return with_params(url, {param: str(current + step)})


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
