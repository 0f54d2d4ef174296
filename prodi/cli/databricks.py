"""`prodi databricks ...`: generate Databricks deployment artefacts from the config tree.

    prodi databricks job --cloud aws --env prod [--compute cluster|serverless]
                         [--environment-version N] [--dialect hydra|legacy|named] [--smoke]
                         [--wheel PATH] [--config-root dbfs:/cfg] [--notify-email A]
                         [--notify-webhook ID] [--maintain-layers silver,gold]
                         [--bundle DIR] [--output FILE]

Prints (or writes) Jobs API 2.1 job settings; `--bundle` also writes a Databricks Asset Bundle.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from prodi.deploy.bundle import write_bundle
from prodi.deploy.databricks_job import (
    COMPUTES,
    JobRequest,
    build_job,
    check_request,
    load_target,
)
from prodi.deploy.notifications import from_flags
from prodi.deploy.parameters import DEFAULT_CONFIG_ROOT, DIALECTS, check_config_root
from prodi.deploy.serverless import DEFAULT_ENVIRONMENT_VERSION, ignored_settings
from prodi.model.errors import ConfigError, ConfigErrors

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that fails with prodi's one-line `prodi: error:` message and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        _fail(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    """The `prodi databricks` parser with its `job` subcommand."""
    parser = _Parser(prog="prodi databricks", description=(
        "Generate Databricks deployment artefacts (no JVM, no workspace access)."))
    sub = parser.add_subparsers(dest="command", metavar="job", parser_class=_Parser)
    job = sub.add_parser("job", help="Jobs API 2.1 settings: one wheel task per layer", description=(
        "Print the Jobs API 2.1 settings of the raw -> bronze -> silver -> gold chain for one "
        "cloud and env, composed and validated from the config tree."))
    job.add_argument("--cloud", required=True, help="cloud config group: aws, azure or gcp")
    job.add_argument("--env", required=True, help="env config group, e.g. prod")
    job.add_argument("--compute", choices=COMPUTES, default="cluster",
                     help="cluster (default): a job cluster from cloud.databricks; serverless: "
                          "a job environment with the wheel, no cluster to manage")
    job.add_argument("--environment-version", metavar="N",
                     help="serverless: the environment version of the job environment "
                          f"(default: {DEFAULT_ENVIRONMENT_VERSION})")
    job.add_argument("--dialect", choices=DIALECTS, default="hydra",
                     help="how tasks pass parameters to run-layer (default: hydra)")
    job.add_argument("--smoke", action="store_true",
                     help="force dry-runs (PRODI_FORCE_DRY_RUN=1 on the cluster; serverless: "
                          "a dry_run=true parameter), name suffix -smoke")
    job.add_argument("--wheel", metavar="PATH",
                     help="where the tasks install the wheel from (cluster default: "
                          "dbfs:/libs/prodi-<version>-py3-none-any.whl; serverless: required, "
                          "/Volumes/... or /Workspace/...)")
    job.add_argument("--config-root", metavar="DIR",
                     help=f"legacy/named dialects: where cfg/ was uploaded "
                          f"(default: {DEFAULT_CONFIG_ROOT})")
    job.add_argument("--notify-email", action="append", default=[], metavar="ADDRESS",
                     help="e-mail on failure (repeatable)")
    job.add_argument("--notify-webhook", action="append", default=[], metavar="ID",
                     help="notification destination id to call on failure (repeatable)")
    job.add_argument("--maintain-layers", metavar="LAYERS", default="",
                     help="comma-separated layers to maintain after the chain (OPTIMIZE, VACUUM, "
                          "table properties): one `prodi-maintain` task each, e.g. silver,gold")
    job.add_argument("--bundle", metavar="DIR", type=Path,
                     help="also write a Databricks Asset Bundle (databricks.yml, resources/) here")
    job.add_argument("--output", "-o", metavar="FILE", type=Path,
                     help="write the job JSON here instead of stdout")
    return parser


def databricks_main(args: list[str]) -> None:
    """`prodi databricks`: parse, generate, write; bad input exits 2 with a one-line message."""
    parser = build_parser()
    ns = parser.parse_args(args)
    if ns.command != "job":
        parser.print_help(sys.stderr)
        _fail("prodi databricks: expected a command: job")
    if ns.bundle is not None and not (Path.cwd() / "pyproject.toml").is_file():
        _fail("--bundle: expected to run from the project root (the directory with "
              f"pyproject.toml, where the bundle builds the wheel), got {Path.cwd()}")
    if ns.config_root is not None and ns.dialect == "hydra":
        _fail("--config-root: expected --dialect legacy or named (hydra parameters read no "
              "config file)")
    if ns.environment_version is not None and ns.compute != "serverless":
        _fail("--environment-version: expected --compute serverless (a job cluster's runtime "
              "is cloud.databricks.spark_version)")
    try:
        request = JobRequest(
            cloud=ns.cloud, env=ns.env, dialect=ns.dialect, smoke=ns.smoke, wheel=ns.wheel,
            config_root=check_config_root(ns.config_root or DEFAULT_CONFIG_ROOT),
            notify=from_flags(ns.notify_email, ns.notify_webhook),
            maintain_layers=tuple(x.strip() for x in ns.maintain_layers.split(",") if x.strip()),
            compute=ns.compute,
            environment_version=ns.environment_version or DEFAULT_ENVIRONMENT_VERSION)
        check_request(request)  # before composing: bad options fail at once
        loaded = load_target(request.cloud, request.env)
        job = build_job(request, loaded)
    except ConfigErrors as exc:
        _fail("invalid configuration: " + "; ".join(e.render() for e in exc.errors))
    except ConfigError as exc:
        _fail(exc.render())
    if request.serverless:
        for note in ignored_settings(loaded):
            sys.stderr.write(f"prodi: note: serverless: {note}\n")
    text = json.dumps(job, indent=2) + "\n"
    if ns.output is None:
        sys.stdout.write(text)
    else:
        ns.output.parent.mkdir(parents=True, exist_ok=True)
        ns.output.write_text(text, encoding="utf-8")
    if ns.bundle is not None:
        for path in write_bundle(job, request, Path.cwd(), ns.bundle):
            sys.stderr.write(f"wrote {path}\n")


def _fail(message: str) -> None:
    sys.stderr.write(f"prodi: error: {message}\n")
    raise SystemExit(EXIT_USAGE)
