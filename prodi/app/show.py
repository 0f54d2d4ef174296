"""`prodi show`: print the tables of a layer, for people looking at a demo or a debug run."""

from __future__ import annotations

import os
import sys

from prodi.app.provenance import new_run_id
from prodi.config.load import LoadedConfig
from prodi.observability.logging import configure_logging
from prodi.secrets.vault import SecretVault


def show_tables(loaded: LoadedConfig, limit: int = 50) -> None:
    """Print each table of the selected layer (datasets, or marts), on the run's session set-up."""
    from prodi.engine.session import open_session
    from prodi.io import delta_tables

    app = loaded.app
    vault = SecretVault()
    configure_logging(app.log.level, app.log.format, redact=vault.redact)
    session = open_session(app, new_run_id(), vault, os.environ, app_name="prodi-show")
    for plan in loaded.plans:
        location = session.secrets.resolve(plan.item.target, "cloud.storage.root")
        sys.stdout.write(f"\n== {app.layer.name}.{plan.item.name}  ({location})\n")
        if not delta_tables.exists(session.spark, location):
            sys.stdout.write("   (no table yet)\n")
            continue
        df = delta_tables.read(session.spark, location)
        visible = [c for c in df.columns if not c.startswith("_")]
        df = df.select(*visible).orderBy(*visible)
        sys.stdout.write(vault.redact(df._jdf.showString(limit, 0, False)) + "\n")
    sys.stdout.flush()
