"""The composed run configuration: layer, cloud, env, pipeline and run settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from prodi.model.errors import ConfigError, describe
from prodi.model.schema.layer import LayerSpec
from prodi.model.schema.pipeline import PipelineSpec
from prodi.model.tree import join
from prodi.model.typed import build

# Delta's own VACUUM retention check: younger files may still be read or written by a version
# a running query or a concurrent writer uses.
SAFE_RETENTION_HOURS = 168


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


class CatalogPart(str):
    """A catalog's or a schema's name (Unity Catalog, or any metastore Spark knows)."""

    _NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")

    @classmethod
    def from_config(cls, data: Any, path: str, errors: list[ConfigError]) -> CatalogPart | None:
        """The name; null or "" is none; anything with a dot, a backtick or a space is an error."""
        if data is None or data == "":
            return None
        if isinstance(data, str) and cls._NAME.fullmatch(data):
            return cls(data)
        errors.append(ConfigError(path, "one name part: letters, digits, _ and - (no dots, "
                                  "backticks or spaces), or null for tables by path", describe(data)))
        return None


@dataclass(frozen=True)
class CloudSpec:
    name: Literal["local", "aws", "azure", "gcp"]
    storage: StorageSpec
    # Tables by catalog name (`<catalog>.<schema>.<layer>_<dataset>`) instead of by path under
    # storage.root: Unity Catalog, or locally Spark's session catalog. Null: by path.
    catalog: CatalogPart | None = None
    schema: CatalogPart | None = None
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
    vacuum_retention_hours: int = SAFE_RETENTION_HOURS
    force_retention: bool = False

    @classmethod
    def from_config(cls, data: Any, path: str, errors: list[ConfigError]
                    ) -> EnvMaintenanceSpec | None:
        """The typed fields, and a retention Delta would refuse as an error on its key path."""
        known = ("force_retention", "vacuum_retention_hours")
        if not isinstance(data, dict):
            errors.append(ConfigError(path, "a mapping (EnvMaintenanceSpec)", describe(data)))
            return None
        before = len(errors)
        errors += [ConfigError(join(path, str(k)), f"a known key ({', '.join(known)})",
                               "unknown key") for k in data if k not in known]
        hours = build(int, data.get("vacuum_retention_hours", SAFE_RETENTION_HOURS),
                      join(path, "vacuum_retention_hours"), errors)
        force = build(bool, data.get("force_retention", False), join(path, "force_retention"),
                      errors)
        if len(errors) > before or hours is None or force is None:
            return None
        if hours < 0 or (hours < SAFE_RETENTION_HOURS and not force):
            errors.append(ConfigError(join(path, "vacuum_retention_hours"), (
                "a number of hours >= 0" if hours < 0 else
                f"at least {SAFE_RETENTION_HOURS} hours (Delta's safety default: readers and "
                f"writers may still need younger files), or {join(path, 'force_retention')}: "
                "true to vacuum them anyway"), str(hours)))
            return None
        return cls(hours, force)


@dataclass(frozen=True)
class EnvConflictSpec:
    """An item whose write lost a Delta conflict to a concurrent run, and whose sink can redo it
    from a fresh read, runs again up to `retries` times, after a random pause of up to
    `backoff_s` * 2^attempt seconds (at most `max_wait_s`)."""

    retries: int = 5
    backoff_s: float = 0.5
    max_wait_s: float = 30.0

    @classmethod
    def from_config(cls, data: Any, path: str, errors: list[ConfigError]
                    ) -> EnvConflictSpec | None:
        """The typed fields; a negative number is an error on its key path."""
        if not isinstance(data, dict):
            errors.append(ConfigError(path, "a mapping (EnvConflictSpec)", describe(data)))
            return None
        known = ("retries", "backoff_s", "max_wait_s")
        before = len(errors)
        errors += [ConfigError(join(path, str(k)), f"a known key ({', '.join(known)})",
                               "unknown key") for k in data if k not in known]
        values = {k: build(int if k == "retries" else float, data[k], join(path, k), errors)
                  for k in known if k in data}
        errors += [ConfigError(join(path, k), "a number >= 0", str(v))
                   for k, v in values.items() if v is not None and v < 0]
        return None if len(errors) > before else cls(**values)


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
    conflicts: EnvConflictSpec = EnvConflictSpec()


@dataclass(frozen=True)
class RunSpec:
    id: str | None = None
    date: str | None = None
    full_refresh: bool = False  # rebuild from everything upstream, not only what is new
    show: bool = False  # print the last layer's tables after a successful run, same session
    # An upstream table or landing folder that doesn't exist fails the run (naming it and what
    # creates it); true: the item is skipped with a warning instead (a fresh environment).
    allow_missing_upstream: bool = False


@dataclass(frozen=True)
class LogSpec:
    level: Literal["TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"
    file: str | None = None


class ConnectUrl(str):
    """A Spark Connect server's URL: sc://host:port, optionally /;param=value;... after it."""

    PREFIX = "sc://"

    @classmethod
    def from_config(cls, data: Any, path: str, errors: list[ConfigError]) -> ConnectUrl | None:
        """The URL; "" (an unset SPARK_REMOTE) is none; anything not sc://... is an error."""
        if data is None or data == "":
            return None
        if isinstance(data, str) and data.startswith(cls.PREFIX) and \
                data[len(cls.PREFIX):].split("/", 1)[0].split(":", 1)[0]:
            return cls(data)
        errors.append(ConfigError(path, "a Spark Connect URL, sc://host:port (for example "
                                  "sc://127.0.0.1:15002), or null for a session of this process",
                                  describe(data)))
        return None


@dataclass(frozen=True)
class SparkSpec:
    master: str = "local[*]"
    app_name: str = "prodi"
    jars_dir: str | None = None
    conf: dict[str, str] = field(default_factory=dict)
    # A Spark Connect server to run on instead (master and jars_dir are then the server's).
    remote: ConnectUrl | None = None


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
