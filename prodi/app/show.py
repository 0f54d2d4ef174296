"""`prodi show`: print the tables of a layer, for people looking at a demo or a debug run."""

from __future__ import annotations

import os
import sys

from prodi.app.provenance import new_run_id
from prodi.config.load import LoadedConfig
from prodi.observability.logging import configure_logging
from prodi.secrets.vault import SecretVault


def show_tables(loaded: LoadedConfig, limit: int = 50) -> None:
    """Print each table of the selected layer (datasets, or marts), then its quarantine tables
    with the reason for every record, on the run's session set-up."""
    from prodi.engine.session import open_session

    app = loaded.app
    vault = SecretVault()
    configure_logging(app.log.level, app.log.format, redact=vault.redact)
    session = open_session(app, new_run_id(), vault, os.environ, app_name="prodi-show")
    # Spark's and Delta's modules after open_session, which says so when Spark is missing.
    from pyspark.sql import functions as F

    from prodi.io import delta_tables
    from prodi.model.columns import (
        ERRORS,
        LANDED_DATE,
        RAW_RECORD,
        RECORD_NUMBER,
        SOURCE_FILE,
        VALUES,
    )
    from prodi.sinks.quarantine import quarantine_location
    for plan in loaded.plans:
        location = session.secrets.resolve(plan.item.target, "cloud.storage.root")
        sys.stdout.write(f"\n== {app.layer.name}.{plan.item.name}  ({location})\n")
        if not delta_tables.exists(session.spark, location):
            sys.stdout.write("   (no table yet)\n")
            continue
        df = delta_tables.read(session.spark, location)
        visible = [c for c in df.columns if not c.startswith("_")]
        sys.stdout.write(vault.redact(_shown(df.select(*visible).orderBy(*visible), limit)))
    for plan in loaded.plans:
        location = session.secrets.resolve(quarantine_location(plan.item), "cloud.storage.root")
        if delta_tables.exists(session.spark, location):
            df = delta_tables.read(session.spark, location)
            sys.stdout.write(f"\n== quarantine of {app.layer.name}.{plan.item.name}: "
                             f"{df.count()} record(s)  ({location})\n")
            reasons = F.concat_ws(", ", F.transform(ERRORS, lambda e: e["rule"])).alias("reasons")
            rows = df.select(LANDED_DATE, SOURCE_FILE, RECORD_NUMBER, reasons, VALUES, RAW_RECORD)
            sys.stdout.write(vault.redact(_shown(rows.orderBy(LANDED_DATE, SOURCE_FILE,
                                                              RECORD_NUMBER), limit)))
    sys.stdout.flush()


def _shown(df, limit: int) -> str:  # noqa: ANN001 - a DataFrame
    return df._jdf.showString(limit, 0, False) + "\n"
