"""A catalog for tables by name on a machine without one: Spark's session catalog kept in an
embedded Derby metastore, with its managed tables in a warehouse folder, both under the
lakehouse root, so names outlive the session that created them (the in-memory catalog forgets
them at its end). Derby lets one Spark driver at a time open it; a shared metastore (Hive, Unity
Catalog) is set through spark_conf instead, and then this is not used."""

from __future__ import annotations

from collections.abc import Mapping

CATALOG_IMPLEMENTATION = "spark.sql.catalogImplementation"
WAREHOUSE = "spark.sql.warehouse.dir"
METASTORE_URL = "spark.hadoop.javax.jdo.option.ConnectionURL"
DRIVER_JAVA_OPTIONS = "spark.driver.extraJavaOptions"


def local_catalog_conf(folder: str, conf: Mapping[str, str]) -> dict[str, str]:
    """The session conf of a local catalog in `folder` (absolute, local; it must exist when
    the session starts), for a run whose own `conf` sets no catalog; {} when it does."""
    if CATALOG_IMPLEMENTATION in conf or METASTORE_URL in conf:
        return {}
    # Derby writes its log to the working directory unless told otherwise.
    derby_log = f"-Dderby.stream.error.file={folder}/derby.log"
    return {
        CATALOG_IMPLEMENTATION: "hive",
        WAREHOUSE: conf.get(WAREHOUSE, f"{folder}/warehouse"),
        METASTORE_URL: f"jdbc:derby:;databaseName={folder}/metastore_db;create=true",
        DRIVER_JAVA_OPTIONS: " ".join(filter(None, (conf.get(DRIVER_JAVA_OPTIONS), derby_log))),
    }
