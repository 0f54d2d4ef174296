"""Execute one validated layer run: a dry-run plan, or the layer on Spark + Delta."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from loguru import logger

from prodi.app.plan import build_plan, render_plan
from prodi.app.provenance import header, new_run_id
from prodi.config.load import LoadedConfig
from prodi.config.platform import log_stream, on_databricks
from prodi.config.validate import layer_domain
from prodi.observability.logging import configure_logging
from prodi.observability.summary import DatasetResult, render_results
from prodi.secrets.registry import build_chain
from prodi.secrets.resolver import SecretResolver
from prodi.secrets.vault import SecretVault

if TYPE_CHECKING:
    from prodi.layers.context import LayerContext


@dataclass
class RunOutcome:
    run_id: str
    layer: str
    dry_run: bool
    results: list[DatasetResult] = field(default_factory=list)
    duration_s: float = 0.0


def execute(loaded: LoadedConfig, environ: Mapping[str, str] | None = None,
            vault: SecretVault | None = None) -> RunOutcome:
    """Run the selected layer (or print its plan), logging a summary per dataset."""
    environ = os.environ if environ is None else environ
    app = loaded.app
    vault = vault if vault is not None else SecretVault()
    configure_logging(app.log.level, app.log.format, app.log.file, redact=vault.redact,
                      stream=log_stream(environ))
    run_id = app.run.id or new_run_id()
    log = logger.bind(run_id=run_id, layer=app.layer.name)
    log.info("{} | run {} layer={} cloud={} env={} run.date={}", header(loaded.tree), run_id,
             app.layer.name, app.cloud.name, app.env.name, app.run.date or "all")
    outcome = RunOutcome(run_id, app.layer.name, loaded.dry_run.enabled)
    started = time.monotonic()
    if loaded.dry_run.enabled:
        log.info("DRY-RUN (because: {}): nothing is read or written, no JVM is started",
                 loaded.dry_run.cause)
        sys.stdout.write(render_plan(build_plan(loaded, run_id), app.plan_format) + "\n")
        sys.stdout.flush()
        return outcome
    ctx = _layer_context(loaded, run_id, vault, environ)
    from prodi.layers.registry import run_layer

    for result in run_layer(ctx, layer_domain(app)):
        outcome.results.append(result)
        log.info("{}/{}: read {} wrote {} dropped {} {}({:.1f}s) -> {}", result.layer,
                 result.dataset, "-" if result.rows_read is None else result.rows_read,
                 result.rows_written, result.rows_dropped,
                 f"duplicates {result.duplicates_removed} " if result.duplicates_removed else "",
                 result.duration_s, result.target)
        for rule, count in result.failed_rules.items():
            log.warning("{}/{}: dropped {} row(s) failing {}; e.g. {}", result.layer,
                        result.dataset, count, rule, result.samples.get(rule, []))
        for rule, count in result.warned_rules.items():
            log.warning("{}/{}: {} row(s) fail {} (warn only, kept); e.g. {}", result.layer,
                        result.dataset, count, rule, result.samples.get(rule, []))
    outcome.duration_s = time.monotonic() - started
    log.info("layer {} done in {:.1f}s\n{}", app.layer.name, outcome.duration_s,
             render_results(outcome.results))
    return outcome


def _layer_context(loaded: LoadedConfig, run_id: str, vault: SecretVault,
                   environ: Mapping[str, str]) -> LayerContext:
    """Session and secret resolver for a real run; imports Spark only now."""
    from prodi.layers.context import LayerContext
    from prodi.runtime.session import get_session

    app = loaded.app
    dbutils = _dbutils() if on_databricks(environ) else None
    chain = build_chain(list(app.cloud.secrets.providers), dbutils=dbutils, environ=environ)
    resolver = SecretResolver(chain, vault)
    conf = {}
    for section, values in (("cloud.spark_conf", app.cloud.spark_conf),
                            ("env.spark_conf", app.env.spark_conf), ("spark.conf", app.spark.conf)):
        for key, value in values.items():
            conf[key] = resolver.resolve(value, f"{section}.{key}")
    spark = get_session(app.spark.master, app.spark.app_name, conf, app.spark.jars_dir, environ)
    return LayerContext(spark=spark, app=app, run_id=run_id, resolve=resolver.resolve)


def _dbutils():  # noqa: ANN202
    try:
        from pyspark.dbutils import DBUtils  # type: ignore[import-not-found]
        from pyspark.sql import SparkSession

        return DBUtils(SparkSession.builder.getOrCreate())
    except ImportError:
        return None
