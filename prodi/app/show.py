"""`prodi show`: print the tables of a layer, for people looking at a demo or a debug run."""

from __future__ import annotations

import sys

from prodi.config.load import LoadedConfig
from prodi.config.paths import table_location
from prodi.config.validate import layer_domain
from prodi.observability.logging import configure_logging


def show_tables(loaded: LoadedConfig, limit: int = 50) -> None:
    """Print each table of the selected layer (datasets, or marts for gold)."""
    from prodi.io import delta_tables
    from prodi.runtime.session import get_session

    app = loaded.app
    configure_logging(app.log.level, app.log.format)
    spark = get_session(app.spark.master, "prodi-show", {**app.env.spark_conf, **app.spark.conf},
                        app.spark.jars_dir)
    for name in layer_domain(app):
        location = table_location(app.cloud.storage.root, app.layer.name, app.env.table_prefix, name)
        sys.stdout.write(f"\n== {app.layer.name}.{name}  ({location})\n")
        if not delta_tables.exists(spark, location):
            sys.stdout.write("   (no table yet)\n")
            continue
        df = delta_tables.read(spark, location)
        visible = [c for c in df.columns if not c.startswith("_")]
        df = df.select(*visible).orderBy(*visible)
        sys.stdout.write(df._jdf.showString(limit, 0, False) + "\n")
    sys.stdout.flush()
