"""Records of a REST JSON API, landed in raw as delivered.

Every response lands as a file (`<responses_path>/<landed date>/<run id>/page-000001.json`, plus
a manifest) before anything parses it; then each page's records become rows, every field as
text. A page that isn't JSON or has no records where `records_path` says goes to raw's
quarantine whole, with its URL and text. A request that still fails after its retries fails
the run, so nothing is committed and the watermark stays where it was. Credentials are masked
in every URL, manifest, log line and error this source writes.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from loguru import logger

from prodi.io.http_auth import Auth, Credentials, as_written
from prodi.io.http_pages import HttpError, Retries
from prodi.io.http_paging import Pagination, PaginationError, Paging, Single, with_params
from prodi.model.errors import ConfigError, SourceError, describe
from prodi.model.layout import absolute_storage
from prodi.model.tree import join, map_strings
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.secrets.references import find_references, has_reference
from prodi.sources.base import Source
from prodi.sources.watermark import lookback_errors

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from prodi.sources.http_rows import LandedPage

_TYPE = re.compile(r"^(string|tinyint|smallint|int|integer|bigint|long|float|double|date|"
                   r"timestamp|timestamp_ntz|decimal\(\s*\d+\s*,\s*\d+\s*\))$", re.IGNORECASE)
_RUN_ID = re.compile(r"^[A-Za-z0-9._-]+$")
_DOTTED = re.compile(r"^([^.]+(\.[^.]+)*)?$")


class HttpSourceError(SourceError):
    """The API could not be read (after retries) or its landed responses can't be replayed."""


@dataclass(frozen=True)
class HttpOptions:
    base_url: str
    path: str = ""
    params: dict[str, str] = field(default_factory=dict)  # static query parameters
    headers: dict[str, str] = field(default_factory=dict)
    records_path: str = ""  # dotted (data.items); empty: the body is the list of records
    pagination: Pagination | None = None  # None: one request
    auth: Auth | None = None
    timeout_seconds: float = 30.0  # to connect, and between bytes read
    retries: Retries = field(default_factory=Retries)
    max_pages: int = 1000  # more fails the run (a runaway or looping pagination)
    watermark_field: str | None = None  # a record field; only records past its mark land
    watermark_param: str | None = None  # request parameter given the mark (minus lookback)
    watermark_type: str = "string"  # Spark SQL type the field is compared as
    lookback: str | None = None  # e.g. '1 hour' (date/timestamp marks) or a number
    responses_path: str | None = None  # default: <cloud.storage.landing>/_responses/<dataset>
    replay_run: str | None = None  # parse this earlier run's landed responses; no requests


def written(options: HttpOptions) -> dict[str, Any]:
    """`options` the way YAML writes them."""
    data = dataclasses.asdict(options)
    if options.auth is not None:
        data["auth"] = as_written(options.auth)
    return data


class Http(Source):
    """Appends the records of each run's pages; with a watermark, only new or changed ones."""

    Options = HttpOptions
    counted = False  # it counts what was delivered itself, malformed pages included
    incremental = True
    secrets: tuple[str, ...] = ()  # the credential values, once resolved (for masking)

    @property
    def paging(self) -> Paging:
        return self.options.pagination or Single()

    def resolved(self, resolve: Any) -> Http:
        from prodi.model.typed import build

        tree = written(self.options)
        refs: list[tuple[str, str]] = []
        map_strings(tree, lambda text, key: refs.extend((r.text, key) for r in
                                                        find_references(text)), self.path)
        values = [resolve(text, key) for text, key in refs]
        errors: list[ConfigError] = []
        options = build(HttpOptions, resolve(tree, self.path), self.path, errors)
        assert options is not None and not errors, errors
        copy = Http(options, name=self.name, path=self.path)
        auth: Credentials | None = options.auth
        copy.secrets = tuple(v for v in [*values, *(auth.secrets() if auth else [])] if v)
        return copy

    # -- no JVM, no network ---------------------------------------------------------------------

    def validate(self, item: Item) -> list[ConfigError]:
        o, p = self.options, self.path
        errors: list[ConfigError] = []

        def check(ok: bool, key: str, expected: str, got: Any) -> None:
            if not ok:
                errors.append(ConfigError(join(p, key), expected, describe(got)))

        check(has_reference(o.base_url) or o.base_url.startswith(("http://", "https://")),
              "base_url", "an http:// or https:// URL", o.base_url)
        check(o.max_pages >= 1, "max_pages", "at least 1", o.max_pages)
        check(o.timeout_seconds > 0, "timeout_seconds", "more than 0", o.timeout_seconds)
        check(o.retries.count >= 0, "retries.count", "0 or more", o.retries.count)
        check(o.retries.backoff_factor >= 0, "retries.backoff_factor", "0 or more",
              o.retries.backoff_factor)
        check(o.retries.max_wait_seconds >= 0, "retries.max_wait_seconds", "0 or more",
              o.retries.max_wait_seconds)
        for key in ("size", "limit"):
            if hasattr(self.paging, key):
                check(getattr(self.paging, key) >= 1, f"pagination.{key}", "at least 1",
                      getattr(self.paging, key))
        for key, value in [("records_path", o.records_path),
                           ("pagination.next_path", getattr(self.paging, "next_path", "x")),
                           ("pagination.cursor_path", getattr(self.paging, "cursor_path", "x"))]:
            check(bool(_DOTTED.match(value)), key, "a dotted path such as data.items", value)
        if o.auth is not None:
            for key, value in as_written(o.auth).items():
                check(value != "", f"auth.{key}", "a value (a <<secrets/...>> reference)", value)
        check(o.replay_run is None or bool(_RUN_ID.match(o.replay_run)), "replay_run",
              "a run id (letters, digits, . _ -)", o.replay_run)
        errors += self._watermark_errors()
        errors += self._param_clashes()
        return errors

    def _watermark_errors(self) -> list[ConfigError]:
        o, p = self.options, self.path
        errors = []
        if o.watermark_field is None:
            for key in ("watermark_param", "lookback"):
                if getattr(o, key) is not None:
                    errors.append(ConfigError(join(p, key), "watermark_field to be set too",
                                              f"{key} without watermark_field"))
            return errors
        if not _TYPE.match(o.watermark_type.strip()):
            errors.append(ConfigError(join(p, "watermark_type"), "a Spark SQL type to compare "
                                      "marks as (string, bigint, double, decimal(p,s), date, "
                                      "timestamp)", describe(o.watermark_type)))
        elif o.lookback is not None and o.watermark_type.strip().lower() == "string":
            errors.append(ConfigError(join(p, "lookback"), "watermark_type a number, date or "
                                      "timestamp type (a string mark can't go back)",
                                      describe(o.lookback)))
        return errors + lookback_errors(o.lookback, join(p, "lookback"))

    def _param_clashes(self) -> list[ConfigError]:
        """A query parameter set by two options would be sent with one value silently."""
        o = self.options
        owners: dict[str, str] = {name: f"params.{name}" for name in o.params}
        errors = []
        mine = [(getattr(self.paging, k), f"pagination.{k}")
                for k in ("page_param", "size_param", "offset_param", "limit_param",
                          "cursor_param") if hasattr(self.paging, k)]
        mine.append((o.watermark_param, "watermark_param"))
        if o.auth is not None and o.auth.query():
            mine.append((next(iter(o.auth.query())), "auth.name"))
        for name, key in mine:
            if name is None:
                continue
            if name in owners:
                errors.append(ConfigError(join(self.path, key), "a query parameter no other "
                                          f"option sets (also set by {owners[name]})", repr(name)))
            owners[name] = key
        return errors

    def responses_root(self, item: Item) -> str:
        """Where responses land (secret references not yet resolved)."""
        return self.options.responses_path or \
            f"{item.app.cloud.storage.landing.rstrip('/')}/_responses/{item.name}"

    def first_url(self, auth_query: dict[str, str], mark_value: str | None) -> str:
        o = self.options
        url = o.base_url.rstrip("/") + ("/" + o.path.lstrip("/") if o.path else "")
        params = {**o.params, **auth_query}
        if o.watermark_param and mark_value is not None:
            params[o.watermark_param] = mark_value
        return self.paging.first(with_params(url, params) if params else url)

    def plan(self, item: Item) -> dict[str, Any]:
        o = self.options
        shown = {k: v if has_reference(v) else "***" for k, v in
                 (o.auth.query() if o.auth else {}).items()}
        mark = f"<mark of {o.watermark_field}>" if o.watermark_field else None
        out = {"reads": f"GET {self.first_url(shown, mark)} (JSON records at "
                        f"{o.records_path or 'the top level'}, every field as text)",
               "pagination": _paging_text(self.paging, o.max_pages),
               "auth": _auth_text(o.auth),
               "retries": f"{o.retries.count} per page (5xx, 429, timeouts; backoff factor "
                          f"{o.retries.backoff_factor:g}, waits at most "
                          f"{o.retries.max_wait_seconds:g} s); timeout {o.timeout_seconds:g} s",
               "responses": f"{self.responses_root(item)}/<landed date>/<run id>/page-NNNNNN.json"}
        if o.watermark_field:
            bound = f"the mark{f' minus {o.lookback}' if o.lookback else ''}"
            param = f"{o.watermark_param}=<{bound}>" if o.watermark_param else "no request param"
            out["incremental"] = (f"records whose {o.watermark_field} ({o.watermark_type}) is not "
                                  f"landed yet; {param}; the mark is kept in raw's commit")
        if o.replay_run:
            out["reads"] = f"the landed responses of run {o.replay_run} (no requests)"
        return out

    # -- run ------------------------------------------------------------------------------------

    def read(self, run: StageRun) -> DataFrame | None:
        from prodi.io.http_pages import masker
        from prodi.sources import extracted, http_rows, watermark

        o = self.options
        mask = masker(list(self.secrets))
        root = absolute_storage(run.resolve(self.responses_root(run.item),
                                            join(self.path, "responses_path")))
        mark = watermark.last_mark(run, o.watermark_field) if o.watermark_field else None
        if o.replay_run:
            pages, complete, landed = self._replay(run, root)
        else:
            landed = extracted.landed_date(run)
            bound = http_rows.window_start(run, mark, o.lookback) if mark else None
            pages, complete = self._fetch(run, root, landed, bound, mask)
        return http_rows.rows(run, self, pages, landed, mark, complete)

    def _fetch(self, run: StageRun, root: str, landed: str, bound: str | None, mask: Any
               ) -> tuple[list[LandedPage], bool]:
        from prodi.io.http_landing import ResponseFolder, page_name
        from prodi.io.http_pages import Client, fetch
        from prodi.io.http_records import page_text
        from prodi.sources.http_rows import LandedPage

        o = self.options
        auth: Credentials | None = o.auth
        folder = ResponseFolder(root, landed, run.run_id)
        client = Client(o.timeout_seconds, o.retries,
                        {**o.headers, **(auth.headers() if auth else {})}, mask.redact)
        url = self.first_url(auth.query() if auth else {}, bound)
        pages: list[LandedPage] = []
        manifest: dict[str, Any] = {"dataset": run.item.name, "run_id": run.run_id,
                                    "landed_date": landed, "url": mask.redact(url),
                                    "error": None, "pagination_complete": None, "pages": []}

        def land(number: int, response: Any) -> None:
            text = page_text(response.body)
            masked = mask.redact(text)
            if masked != text:
                run.warn(f"page {number} holds a credential this source sends; it is landed "
                         "with the credential masked (***)")
            path = folder.write_page(number, masked.encode("utf-8"))
            entry = {"page": number, "file": page_name(number), "url": mask.redact(response.url),
                     "status": response.status, "retried": list(response.retried),
                     "headers": {k: mask.redact(v) for k, v in response.headers.items()}}
            manifest["pages"].append(entry)
            pages.append(LandedPage(number, path, entry["url"], response.status, masked))

        try:
            done = fetch(client, url, self.paging, o.records_path, o.max_pages, land)
            manifest["pagination_complete"] = done.complete
        except (HttpError, PaginationError) as exc:
            manifest["error"] = str(exc)
            raise HttpSourceError(
                f"dataset {run.item.name!r}: {exc}. The source is {self.path} (base_url, auth, "
                "pagination, retries); nothing was committed, so the next run reads from the "
                "same point") from None
        finally:
            folder.write_manifest(manifest)
        logger.info("{}/{}: {} page(s) from {} landed in {}", run.item.layer.name, run.item.name,
                    done.pages, mask.redact(url), folder.path)
        if not done.complete:
            run.warn(f"page {done.stopped_at} is malformed, so the pages after it are unknown: "
                     "they are read by the next run (the watermark does not move past them)")
        return pages, done.complete

    def _replay(self, run: StageRun, root: str) -> tuple[list[LandedPage], bool, str]:
        from prodi.io.http_landing import find_run
        from prodi.io.http_records import page_text
        from prodi.sources.http_rows import LandedPage

        run_id = self.options.replay_run
        found = find_run(root, run_id or "")
        where = f"(replay_run at {self.path}.replay_run)"
        if found is None:
            raise HttpSourceError(f"dataset {run.item.name!r}: no landed responses of run "
                                  f"{run_id!r} under {root} {where}")
        folder, manifest = found
        if manifest.get("error"):
            raise HttpSourceError(f"dataset {run.item.name!r}: run {run_id!r} failed while "
                                  f"fetching ({manifest['error']}), so its responses are partial "
                                  f"{where}")
        pages = [LandedPage(e["page"], folder.page_path(e["page"]), e["url"], e["status"],
                            page_text(folder.read_page(e["page"]))) for e in manifest["pages"]]
        logger.info("{}/{}: replaying {} page(s) of run {} from {}", run.item.layer.name,
                    run.item.name, len(pages), run_id, folder.path)
        return pages, manifest.get("pagination_complete") is not False, folder.landed_date


def _paging_text(paging: Paging, max_pages: int) -> str:
    fields = {k: v for k, v in dataclasses.asdict(paging).items() if k != "style"}
    how = ", ".join(f"{k}={v}" for k, v in fields.items())
    return f"{paging.style}{f' ({how})' if how else ''}; at most {max_pages} pages"


def _auth_text(auth: Credentials | None) -> str:
    if auth is None:
        return "none"
    data = as_written(auth)
    shown = {k: (v if k in ("type", "in", "name", "user") or has_reference(v) else "***")
             for k, v in {"type": data.pop("type"), **data}.items()}
    return ", ".join(f"{k}={v}" for k, v in shown.items())
