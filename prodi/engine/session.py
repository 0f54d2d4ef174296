"""What every Spark command of a run shares: the session with the cloud's and env's conf
(secrets resolved), the secret resolver, and the run's id. `show` uses the same set-up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodi.model.layout import absolute_storage, file_uri_path
from prodi.model.schema.app import AppConfig, EnvConflictSpec
from prodi.runtime.local_catalog import local_catalog_conf, open_local_catalog, sets_catalog
from prodi.runtime.platform import on_databricks
from prodi.runtime.spark_available import require_spark
from prodi.secrets.registry import build_chain
from prodi.secrets.resolver import SecretResolver
from prodi.secrets.vault import SecretVault
from prodi.stages.plan import ItemPlan

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from prodi.engine.hooks import ItemObserver


@dataclass(frozen=True)
class RunSession:
    spark: SparkSession
    secrets: SecretResolver
    run_id: str
    observers: tuple[ItemObserver, ...] = ()  # told when each item starts and ends
    conflicts: EnvConflictSpec = EnvConflictSpec()  # redoing items that lost a write conflict


def spark_conf(app: AppConfig) -> dict[str, str]:
    """The Spark and Hadoop conf of a run: cloud, then env, then `spark.conf` (later wins),
    with secret references still in place. Tables by name on the local cloud get a catalog
    under the lakehouse root, unless the conf sets one."""
    conf = {**app.cloud.spark_conf, **app.env.spark_conf, **app.spark.conf}
    folder = _local_catalog(app, conf)
    return {**conf, **local_catalog_conf(folder, conf)} if folder else conf


def _local_catalog(app: AppConfig, conf: Mapping[str, str]) -> str | None:
    """The folder of the catalog prodi keeps for the local cloud's tables by name, in a session
    of this process, when the user's `conf` sets no catalog of its own."""
    if app.cloud.schema and app.cloud.name == "local" and app.spark.remote is None \
            and not sets_catalog(conf):
        return f"{file_uri_path(absolute_storage(app.cloud.storage.root))}/_catalog"
    return None


def packages(plans: Iterable[ItemPlan]) -> tuple[str, ...]:
    """The Maven coordinates of the jars the planned items' sources need (JDBC drivers)."""
    return tuple(dict.fromkeys(p for plan in plans for stage in plan.stages
                               for p in _source_packages(stage)))


def _source_packages(stage: object) -> tuple[str, ...]:
    source = getattr(stage, "source", None)  # a read stage's bound source
    return source.packages() if source is not None else ()


def open_session(app: AppConfig, run_id: str, vault: SecretVault, environ: Mapping[str, str],
                 app_name: str | None = None, packages: Iterable[str] = (),
                 observers: Iterable[ItemObserver] = ()) -> RunSession:
    """The run's SparkSession and secret resolver; every secret fetched is recorded in `vault`.
    A new session starts with the jars of `packages` (see `packages(plans)`)."""
    require_spark(environ)  # one paragraph naming the extra, not an ImportError
    from prodi.runtime.session import get_session

    dbutils = _dbutils() if on_databricks(environ) else None
    chain = build_chain(list(app.cloud.secrets.providers), dbutils=dbutils, environ=environ)
    secrets = SecretResolver(chain, vault)
    conf = {key: secrets.resolve(value, f"{_origin(app, key)}.{key}")
            for key, value in spark_conf(app).items()}
    folder = _local_catalog(app, {**app.cloud.spark_conf, **app.env.spark_conf, **app.spark.conf})
    if folder and not _spark_running():
        open_local_catalog(folder)
    spark = get_session(app.spark.master, app_name or app.spark.app_name, conf, app.spark.jars_dir,
                        environ, packages, remote=app.spark.remote)
    return RunSession(spark, secrets, run_id, tuple(observers), app.env.conflicts)


def _spark_running() -> bool:
    """Whether this process already has a session (a chain's next layer reuses it)."""
    from pyspark.sql import SparkSession

    return SparkSession.getActiveSession() is not None


def _origin(app: AppConfig, key: str) -> str:
    """The config section a Spark conf key was set in (the last one wins)."""
    if key in app.spark.conf:
        return "spark.conf"
    return "env.spark_conf" if key in app.env.spark_conf else "cloud.spark_conf"


def _dbutils() -> Any:
    try:
        from pyspark.dbutils import DBUtils  # type: ignore[import-not-found]
        from pyspark.sql import SparkSession

        return DBUtils(SparkSession.builder.getOrCreate())
    except ImportError:
        return None
