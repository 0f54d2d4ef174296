"""The composed run configuration: layer, cloud, env, pipeline and run settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from prodi.model.schema.layer import LayerSpec
from prodi.model.schema.pipeline import PipelineSpec


@dataclass(frozen=True)
class StorageSpec:
    """Where the tables live (root) and where delivered files land."""

    root: str
    landing: str


@dataclass(frozen=True)
class SecretsSpec:
    providers: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class DatabricksClusterSpec:
    spark_version: str | None = None
    node_type_id: str | None = None
    cluster_attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CloudSpec:
    name: Literal["local", "aws", "azure", "gcp"]
    storage: StorageSpec
    spark_conf: dict[str, str] = field(default_factory=dict)
    secrets: SecretsSpec = SecretsSpec()
    databricks: DatabricksClusterSpec = DatabricksClusterSpec()


@dataclass(frozen=True)
class FailureNotificationsSpec:
    emails: tuple[str, ...] = ()
    webhooks: tuple[str, ...] = ()  # Databricks notification destination ids


@dataclass(frozen=True)
class DatabricksJobSpec:
    on_failure: FailureNotificationsSpec = FailureNotificationsSpec()


@dataclass(frozen=True)
class EnvMaintenanceSpec:
    """How `prodi maintain` vacuums the env's tables."""

    # Files older than this that no table version needs are deleted. Below Delta's safety
    # default (168 h) a reader or writer still using an old version may fail, so a lower value
    # also needs `force_retention: true`.
    vacuum_retention_hours: int = 168
    force_retention: bool = False


@dataclass(frozen=True)
class EnvSpec:
    name: str
    dry_run: bool = False
    run_date: str = "all"
    table_prefix: str = ""
    log_level: Literal["TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR"] = "INFO"
    spark_conf: dict[str, str] = field(default_factory=dict)
    databricks: DatabricksJobSpec = DatabricksJobSpec()
    maintenance: EnvMaintenanceSpec = EnvMaintenanceSpec()


@dataclass(frozen=True)
class RunSpec:
    id: str | None = None
    date: str | None = None
    full_refresh: bool = False  # rebuild from everything upstream, not only what is new
    show: bool = False  # print the last layer's tables after a successful run, same session


@dataclass(frozen=True)
class LogSpec:
    level: Literal["TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"
    file: str | None = None


@dataclass(frozen=True)
class SparkSpec:
    master: str = "local[*]"
    app_name: str = "prodi"
    jars_dir: str | None = None
    conf: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AppConfig:
    layer: LayerSpec
    cloud: CloudSpec
    env: EnvSpec
    pipeline: PipelineSpec
    datasets: tuple[str, ...] = ()
    dry_run: bool = False
    plan_format: Literal["text", "json"] = "text"
    run: RunSpec = RunSpec()
    legacy_config: str | None = None
    log: LogSpec = LogSpec()
    spark: SparkSpec = SparkSpec()
