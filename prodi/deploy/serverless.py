"""Serverless compute for the job: one job environment that installs the wheel, no cluster.

Serverless tasks run on Spark Connect in compute Databricks manages, so everything the classic
form puts on its job cluster has no place here: `cloud.databricks` (runtime, node type,
`cluster_attributes` with the instance profile or service account), the DBFS-root library
opt-in and `spark_env_vars`. Storage is reached through Unity Catalog external locations, not
the cloud's Hadoop auth (`cloud.spark_conf`). What the cluster's environment variables did,
task parameters do: `log.format=json`, and `dry_run=true` for a smoke job.
"""

from __future__ import annotations

from typing import Any

from prodi.config.load import LoadedConfig
from prodi.deploy.wheel import check_wheel_location
from prodi.model.errors import ConfigError

ENVIRONMENT_KEY = "prodi"
# Environment 2 ships Python 3.11 and Databricks Connect 15.4 (Spark 3.5), the pair the wheel
# and the job cluster's 15.4 LTS runtime are built for.
DEFAULT_ENVIRONMENT_VERSION = "2"
# Serverless installs dependencies from workspace files or Unity Catalog volumes; it can't
# read the DBFS root (no /dbfs mount, no DBFS-root libraries) nor a cloud URL as a pip line.
SERVERLESS_PREFIXES = ("/Volumes/", "/Workspace/")
DATABRICKS_CLOUDS = ("aws", "azure", "gcp")


def environment(wheel: str, version: str) -> dict[str, Any]:
    """The job-level environment every task names with `environment_key`."""
    return {"environment_key": ENVIRONMENT_KEY,
            "spec": {"environment_version": version, "dependencies": [wheel]}}


def run_parameters(smoke: bool) -> list[str]:
    """Overrides every task adds, standing in for the cluster's `spark_env_vars`."""
    return ["log.format=json", *(["dry_run=true"] if smoke else [])]


def check_environment_version(version: str) -> None:
    """A serverless environment version is a whole number such as 2."""
    if not version.isdigit() or version.startswith("0"):
        raise ConfigError("--environment-version", "a serverless environment version, a whole "
                          f"number like {DEFAULT_ENVIRONMENT_VERSION}", repr(version),
                          source="command line")


def check_serverless_wheel(location: str | None) -> str:
    """The wheel's location when serverless can install it (the DBFS default can't be), under the
    name poetry gave it."""
    if location is None or not location.startswith(SERVERLESS_PREFIXES):
        raise ConfigError("--wheel", "for --compute serverless, the wheel in a Unity Catalog "
                          "volume or workspace files (/Volumes/... or /Workspace/...); serverless "
                          "can't install from the DBFS root (the default dbfs:/libs/...) or a "
                          "cloud URL", "nothing" if location is None else repr(location),
                          source="command line")
    return check_wheel_location(location)


def check_serverless_config_root(dialect: str, config_root: str) -> None:
    """Legacy/named tasks read their config file; serverless has no /dbfs mount to read it from."""
    if dialect != "hydra" and not config_root.startswith(SERVERLESS_PREFIXES):
        raise ConfigError("--config-root", "for --compute serverless with the legacy or named "
                          "dialect, where cfg/ was uploaded in a Unity Catalog volume or "
                          "workspace files (/Volumes/... or /Workspace/...); serverless has no "
                          "/dbfs mount", repr(config_root), source="command line")


def check_serverless_cloud(loaded: LoadedConfig) -> None:
    """Serverless runs in a Databricks workspace: a cloud whose storage the workspace reaches,
    not `local` (a folder on the machine)."""
    name = loaded.app.cloud.name
    if name not in DATABRICKS_CLOUDS:
        raise ConfigError("--cloud", "for --compute serverless, a cloud config of a Databricks "
                          f"workspace (cloud.name {', '.join(DATABRICKS_CLOUDS)})",
                          f"cloud.name {name!r}", source="command line")


def ignored_settings(loaded: LoadedConfig) -> list[str]:
    """One line for each config value the serverless form leaves out, and why."""
    cloud = loaded.app.cloud
    source = f"conf/cloud/{cloud.name}.yaml"
    notes = []
    cluster = [f"cloud.databricks.{key}" for key, value in (
        ("spark_version", cloud.databricks.spark_version),
        ("node_type_id", cloud.databricks.node_type_id)) if value]
    cluster += [f"cloud.databricks.cluster_attributes.{key}"
                for key in cloud.databricks.cluster_attributes]
    if cluster:
        notes.append(f"{source}: {', '.join(cluster)} not used: serverless has no cluster "
                     "(Databricks chooses runtime and machines; storage identity comes from "
                     "Unity Catalog, not an instance profile or service account)")
    hadoop = sorted(key for key in cloud.spark_conf if key.startswith("spark.hadoop."))
    if hadoop:
        notes.append(f"{source}: cloud.spark_conf keys {', '.join(hadoop)} do not apply: "
                     "serverless reaches storage through Unity Catalog external locations, not "
                     "Hadoop auth")
    return notes
