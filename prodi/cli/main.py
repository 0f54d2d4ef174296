"""Entry points: `prodi <command>`, and `run-layer` and `prodi-maintain` (the Databricks
wheel-task entry points).

Startup stays light: Hydra, the config package and Spark load only when a command needs them.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from prodi.app.failure import CONFIG_EXIT
from prodi.cli import help as help_text

if TYPE_CHECKING:
    from prodi.app.interrupts import Interrupted, SignalStop

# Flags Hydra handles itself (printing the config, info, help or completions, or another
# primary config): these go through `hydra.main`.
HYDRA_ONLY_FLAGS = ("--cfg", "--info", "-i", "--shell-completion", "-sc", "--hydra-help",
                    "--experimental-rerun", "-cp", "--config-path", "-cn", "--config-name", "-p",
                    "--package")


def main(argv: list[str] | None = None) -> None:
    """`prodi`: dispatch to a subcommand."""
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write(help_text.MAIN)
        return
    command, rest = args[0], args[1:]
    if command in ("version", "--version"):
        from prodi import __version__

        sys.stdout.write(f"prodi {__version__}\n")
        return
    handlers = {"run-layer": run_layer, "backfill": _backfill, "validate": _validate, "show": _show,
                "maintain": maintain, "databricks": _databricks, "runs": _runs, "report": _report,
                "doctor": _doctor, "init": _init}
    if command not in handlers:
        _fail(f"unknown command {command!r}; expected one of: {', '.join(handlers)} "
              "(see `prodi --help`)", CONFIG_EXIT)
    handlers[command](rest)


def run_layer(argv: list[str] | None = None) -> None:
    """`prodi run-layer` / `run-layer`. Returns normally on success (Databricks wants no exit 0)."""
    args = sys.argv[1:] if argv is None else list(argv)
    if any(a in ("-h", "--help") for a in args):
        sys.stdout.write(help_text.RUN_LAYER)
        return
    from prodi.app.interrupts import Interrupted, catching_signals

    with catching_signals() as stop:
        try:
            _run_layer(args, stop)
        except Interrupted as stopped:
            _interrupted(stopped)


def _run_layer(args: list[str], stop: SignalStop) -> None:
    from prodi.app import recording
    from prodi.app.failure import describe_failure
    from prodi.cli.dialects import translate

    recording.begin(args, stop)
    backfill = None
    try:
        inv = translate(args)
        if inv.has_flag("--cfg") and inv.has_flag("--resolve"):
            from prodi.app.show_config import print_resolved

            print_resolved(inv.overrides, inv.config_dir)
            return
        if inv.has_flag(*HYDRA_ONLY_FLAGS):
            from prodi.app.hydra_app import run_hydra

            run_hydra(inv.args)
            return
        from prodi.app.backfill import is_chain
        from prodi.app.jobs import compose_jobs

        if not inv.backfill and is_chain(inv.overrides, inv.hydra_flags):
            from prodi.app.backfill import plan_chain
            from prodi.config.layers import layer_catalog

            backfill = plan_chain(inv.overrides, inv.hydra_flags,
                                  layer_catalog([inv.config_dir] if inv.config_dir else []))
            batch = compose_jobs(backfill.jobs(), backfill.overrides, True, inv.config_dir)
        elif inv.backfill:
            from prodi.app.backfill import plan_backfill
            from prodi.config.layers import layer_catalog

            backfill = plan_backfill(inv.backfill, inv.overrides, inv.hydra_flags,
                                     layer_catalog([inv.config_dir] if inv.config_dir else []))
            batch = compose_jobs(backfill.jobs(), backfill.overrides, True, inv.config_dir)
        elif inv.has_flag("-m", "--multirun"):
            from prodi.app.preflight import expand_sweeps

            batch = compose_jobs(expand_sweeps(inv.overrides), inv.overrides, True, inv.config_dir)
        else:
            batch = compose_jobs([inv.overrides], inv.overrides, False, inv.config_dir)
        if not all(job.loaded.dry_run.enabled for job in batch.jobs):
            from prodi.runtime.spark_available import require_spark

            require_spark()  # once for the command, not as each job's failure
    except Exception as exc:  # noqa: BLE001 - rendered as one paragraph with its exit code
        failure = describe_failure(exc)
        _fail(failure.message, failure.exit_code)
    if backfill is not None:
        from prodi.app.backfill import run_backfill

        _exit_on_failure(run_backfill(backfill, batch))
    elif batch.multirun:
        from prodi.app.sweep import run_sweep

        _exit_on_failure(run_sweep(batch))
    else:
        from prodi.app.jobs import run_jobs

        run_jobs(batch)
    last = batch.jobs[-1].loaded
    if last.app.run.show and not last.dry_run.enabled:
        from prodi.app.show import show_tables

        show_tables(last)  # in this process: the run's Spark session, no second JVM
    stop.check(detail="as it finished: every dataset as reported")
    _exit_on_failure(recording.exit_code())  # the run is done, but the ledger lacks it


def _interrupted(stopped: Interrupted) -> None:
    """One line for a run a signal stopped; the JVM stopped with it; 130 or 143."""
    import logging

    from prodi.runtime.session import stop_spark

    for name in ("py4j", "py4j.java_gateway", "py4j.clientserver"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # the gateway going away is expected
    if "pyspark" in sys.modules:
        stop_spark()
    sys.stdout.flush()
    sys.stderr.write(f"prodi: {stopped}\n")
    raise SystemExit(stopped.exit_code)


def _backfill(args: list[str]) -> None:
    """`prodi backfill`: run-layer with a date range (--from/--to or --dates) over --layers."""
    if any(a in ("-h", "--help") for a in args):
        sys.stdout.write(help_text.BACKFILL)
        return
    if not any(a.split("=", 1)[0] in ("--from", "--dates") for a in args):
        _fail("backfill needs a date range: --from YYYY-MM-DD --to YYYY-MM-DD, or --dates a,b",
              CONFIG_EXIT)
    run_layer(args)


def _exit_on_failure(code: int) -> None:
    if code:
        raise SystemExit(code)


def _validate(args: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="prodi validate", description=(
        "Compose and validate every layer x cloud x env combination (no JVM)."))
    parser.add_argument("--layers", help="comma-separated subset of raw,bronze,silver,gold")
    parser.add_argument("--clouds", help="comma-separated subset of the cloud group")
    parser.add_argument("--envs", help="comma-separated subset of the env group")
    parser.add_argument("--config-dir", "-cd", help="an extra config directory (Hydra searchpath)")
    parser.add_argument("overrides", nargs="*", help="extra Hydra overrides for every combination")
    ns = parser.parse_args(args)
    from prodi.app.validate_all import render, validate_all

    split = lambda v: [x.strip() for x in v.split(",") if x.strip()] if v else None  # noqa: E731
    results = validate_all(split(ns.layers), split(ns.clouds), split(ns.envs), ns.overrides,
                           config_dir=ns.config_dir)
    sys.stdout.write(render(results) + "\n")
    if not all(r.ok for r in results):
        raise SystemExit(CONFIG_EXIT)


def _databricks(args: list[str]) -> None:
    from prodi.cli.databricks import databricks_main

    databricks_main(args)


def maintain(argv: list[str] | None = None) -> None:
    """`prodi maintain` / `prodi-maintain`: OPTIMIZE, VACUUM and table properties for a layer's
    tables. Returns normally on success; exits 1 when a table failed, 2 on a config error."""
    args = sys.argv[1:] if argv is None else list(argv)
    if any(a in ("-h", "--help") for a in args):
        sys.stdout.write(help_text.MAINTAIN)
        return
    from prodi.app.failure import RUN_EXIT, describe_failure
    from prodi.app.maintain import maintain as maintain_layer
    from prodi.app.maintain_plan import plan_maintenance
    from prodi.app.preflight import preflight
    from prodi.cli.dialects import BACKFILL_FLAGS, translate

    unsupported = [a for a in args if a.split("=", 1)[0] in (*BACKFILL_FLAGS, *HYDRA_ONLY_FLAGS)]
    if unsupported:
        _fail("maintain takes a layer, overrides and --config-dir (the run-layer dialects), not "
              f"{' '.join(unsupported)}", CONFIG_EXIT)
    try:
        inv = translate(args)
        # `layer=silver,gold`: each layer, every one planned (and validated) before any runs.
        jobs = [(loaded, plan_maintenance(loaded)) for loaded in preflight(inv.overrides,
                                                                          inv.config_dir)]
        outcomes = [maintain_layer(loaded, plan) for loaded, plan in jobs]
    except Exception as exc:  # noqa: BLE001 - rendered as one paragraph with its exit code
        failure = describe_failure(exc)
        _fail(failure.message, failure.exit_code)
    failed = [f"{r.table}: {r.error}" for o in outcomes for r in o.failed]
    if failed:
        _fail(f"maintenance failed for {len(failed)} table(s): " + "; ".join(failed), RUN_EXIT)


def _show(args: list[str]) -> None:
    from prodi.app.failure import describe_failure
    from prodi.app.preflight import preflight
    from prodi.app.show import show_tables
    from prodi.cli.dialects import translate

    try:
        inv = translate(args)
        (loaded,) = preflight(inv.overrides, inv.config_dir)
        show_tables(loaded)
    except Exception as exc:  # noqa: BLE001
        failure = describe_failure(exc)
        _fail(failure.message, failure.exit_code)


def _runs(args: list[str]) -> None:
    """`prodi runs [--json] [--limit N]`, `prodi runs show <id> [--json]`: the run ledger."""
    import argparse

    if any(a in ("-h", "--help") for a in args):
        sys.stdout.write(help_text.RUNS)
        return
    parser = argparse.ArgumentParser(prog="prodi runs", add_help=False)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--config-dir", "-cd")
    ns, rest = parser.parse_known_args(args)
    show = rest[:1] == ["show"]
    if show and len(rest) < 2:
        _fail("runs show needs a run id (see `prodi runs`)", CONFIG_EXIT)
    from prodi.app.runs import list_runs, show_run

    if show:
        _with_ledger(rest[2:], ns.config_dir, lambda access: show_run(access, rest[1], ns.json))
    else:
        _with_ledger(rest, ns.config_dir, lambda access: list_runs(access, ns.limit, ns.json))


def _report(args: list[str]) -> None:
    """`prodi report [--output report.html] [--runs N]`: one self-contained HTML file."""
    import argparse
    from pathlib import Path

    if any(a in ("-h", "--help") for a in args):
        sys.stdout.write(help_text.REPORT)
        return
    parser = argparse.ArgumentParser(prog="prodi report", add_help=False)
    parser.add_argument("--output", "-o", default="report.html")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--config-dir", "-cd")
    ns, overrides = parser.parse_known_args(args)

    def write(access) -> str:  # noqa: ANN001 - a LedgerAccess
        from prodi.app.report import write_report

        path = write_report(access, Path(ns.output), ns.runs)
        return f"report written to {path.resolve()}"

    _with_ledger(overrides, ns.config_dir, write)


def _doctor(args: list[str]) -> None:
    """`prodi doctor layer=<layer> [overrides]`: health checks of every table of a layer."""
    if any(a in ("-h", "--help") for a in args):
        sys.stdout.write(help_text.DOCTOR)
        return
    from prodi.app.doctor import doctor_command

    _exit_on_failure(doctor_command(args))


def _init(args: list[str]) -> None:
    """`prodi init <dir> [--name NAME]`: a new project of your own from the packaged template."""
    import argparse
    from pathlib import Path

    if any(a in ("-h", "--help") for a in args):
        sys.stdout.write(help_text.INIT)
        return
    parser = argparse.ArgumentParser(prog="prodi init", add_help=False)
    parser.add_argument("directory")
    parser.add_argument("--name")
    ns, unknown = parser.parse_known_args(args)
    if unknown:
        _fail(f"init takes a directory and --name, not {' '.join(unknown)} (see `prodi init --help`)",
              CONFIG_EXIT)
    from prodi.app.init_project import InitError, init_project, next_steps

    try:
        project = init_project(Path(ns.directory), ns.name)
    except InitError as exc:
        _fail(str(exc), CONFIG_EXIT)
    sys.stdout.write(next_steps(project))


def _with_ledger(overrides: list[str], config_dir: str | None, action) -> None:  # noqa: ANN001
    """Open the ledger of the lakehouse the overrides select, print what `action` returns."""
    from prodi.app.failure import describe_failure
    from prodi.app.runs import open_ledger

    try:
        text = action(open_ledger(overrides, config_dir))
    except Exception as exc:  # noqa: BLE001 - rendered as one paragraph with its exit code
        failure = describe_failure(exc)
        _fail(failure.message, failure.exit_code)
    sys.stdout.write(text + "\n")


def _fail(message: str, code: int) -> None:
    sys.stderr.write(f"prodi: error: {message}\n")
    raise SystemExit(code)
