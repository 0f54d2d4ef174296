"""Jobs API 2.1 settings for a prodi chain: one wheel task per layer, on one shared job cluster
or on serverless compute.

The cluster comes from the composed config (`cloud.databricks`: spark_version, node_type_id,
cluster_attributes); serverless tasks share one job environment instead (`deploy.serverless`).
The tasks run `run-layer` from the prodi wheel, raw -> bronze -> silver -> gold, each depending
on the one before. Maintenance tasks (`prodi-maintain`, one per layer asked for) run after the
last layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prodi.config.compose import composer
from prodi.config.layers import layer_catalog
from prodi.config.load import LoadedConfig, load
from prodi.deploy.notifications import FailureNotifications, from_config
from prodi.deploy.parameters import DEFAULT_CONFIG_ROOT, DIALECTS, task_parameters
from prodi.deploy.serverless import (
    DEFAULT_ENVIRONMENT_VERSION,
    ENVIRONMENT_KEY,
    check_environment_version,
    check_serverless_cloud,
    check_serverless_config_root,
    check_serverless_wheel,
    environment,
    run_parameters,
)
from prodi.deploy.wheel import (
    DISTRIBUTION,
    check_wheel_location,
    default_wheel_location,
    needs_dbfs_library_opt_in,
)
from prodi.model.errors import ConfigError, ConfigErrors

CLUSTER_KEY = "shared_cluster"
ENTRY_POINT = "run-layer"
MAINTAIN_ENTRY_POINT = "prodi-maintain"
MAINTAIN_TASK_PREFIX = "maintain_"
NUM_WORKERS = 2
DBFS_LIBRARY_OPT_IN = "spark.databricks.driver.dbfsLibraryInstallationAllowed"
COMPUTES: tuple[str, ...] = ("cluster", "serverless")


@dataclass(frozen=True)
class JobRequest:
    """What the user asked for: target cloud/env, compute, parameter dialect, wheel and
    notifications."""

    cloud: str
    env: str
    dialect: str = "hydra"
    smoke: bool = False
    wheel: str | None = None  # None: dbfs:/libs/<real wheel file name>
    config_root: str = DEFAULT_CONFIG_ROOT
    notify: FailureNotifications = field(default_factory=FailureNotifications)
    maintain_layers: tuple[str, ...] = ()  # a `prodi-maintain` task for each, after the chain
    compute: str = "cluster"  # or "serverless": a job environment instead of a job cluster
    environment_version: str = DEFAULT_ENVIRONMENT_VERSION  # serverless only

    @property
    def serverless(self) -> bool:
        return self.compute == "serverless"

    @property
    def job_name(self) -> str:
        """`prodi-<cloud>-<env>`, with `-smoke` for the forced dry-run variant."""
        return f"prodi-{self.cloud}-{self.env}" + ("-smoke" if self.smoke else "")


def load_target(cloud: str, env: str, config_dir: str | None = None) -> LoadedConfig:
    """The validated config of `cloud`/`env`; every layer is composed so all of them are checked.

    Raises ConfigErrors (unknown cloud or env, invalid values) exactly as a run would.
    """
    loaded: dict[str, LoadedConfig] = {}
    layers = layer_catalog([config_dir] if config_dir else []).names()
    with composer(config_dir) as c:
        for layer in layers:
            overrides = [f"layer={layer}", f"cloud={cloud}", f"env={env}"]
            try:
                loaded[layer] = load(c.compose(overrides), overrides, environ={})
            except ConfigError as exc:
                raise ConfigErrors([exc]) from None
    return loaded[layers[0]]


def new_cluster(loaded: LoadedConfig, wheel: str, smoke: bool) -> dict[str, Any]:
    """The shared job cluster: runtime, node type and cloud attributes from `cloud.databricks`."""
    spec = loaded.app.cloud.databricks
    cloud = loaded.app.cloud.name
    missing = [(key, what) for key, what, value in (
        ("spark_version", "a Databricks runtime version, e.g. 15.4.x-scala2.12", spec.spark_version),
        ("node_type_id", "a node type of the cloud, e.g. i3.xlarge", spec.node_type_id),
    ) if not value]
    if missing:
        raise ConfigErrors([ConfigError(f"cloud.databricks.{key}", what, "null",
                                        source=f"conf/cloud/{cloud}.yaml") for key, what in missing])
    env_vars = {"PRODI_LOG_FORMAT": "json"}
    if smoke:
        env_vars["PRODI_FORCE_DRY_RUN"] = "1"
    cluster: dict[str, Any] = {
        "spark_version": spec.spark_version,
        "node_type_id": spec.node_type_id,
        "num_workers": NUM_WORKERS,
    }
    if needs_dbfs_library_opt_in(wheel):
        cluster["spark_conf"] = {DBFS_LIBRARY_OPT_IN: "true"}
    cluster["spark_env_vars"] = env_vars
    cluster.update(spec.cluster_attributes)
    return cluster


def wheel_task(layer: str, previous: str | None, parameters: list[str], wheel: str,
               entry_point: str = ENTRY_POINT, task_key: str | None = None,
               serverless: bool = False) -> dict[str, Any]:
    """One layer's task: `run-layer` (or another entry point) from the prodi wheel, on the shared
    cluster (installing the wheel as a library) or in the serverless environment (which holds
    the wheel: serverless tasks take no libraries)."""
    task: dict[str, Any] = {"task_key": task_key or layer}
    if previous is not None:
        task["depends_on"] = [{"task_key": previous}]
    if serverless:
        task["environment_key"] = ENVIRONMENT_KEY
    else:
        task["job_cluster_key"] = CLUSTER_KEY
    task["python_wheel_task"] = {"package_name": DISTRIBUTION, "entry_point": entry_point,
                                 "parameters": parameters}
    if not serverless:
        task["libraries"] = [{"whl": wheel}]
    return task


def build_job(request: JobRequest, loaded: LoadedConfig | None = None) -> dict[str, Any]:
    """Jobs API 2.1 job settings for `request` (composing the config unless `loaded` is given)."""
    check_request(request)
    loaded = loaded if loaded is not None else load_target(request.cloud, request.env)
    notify = request.notify.merged(from_config(loaded.app.env.databricks.on_failure))
    job: dict[str, Any] = {
        "name": request.job_name,
        "tags": {"app": "prodi", "cloud": request.cloud, "env": request.env},
        "max_concurrent_runs": 1,
        **notify.job_settings(),
    }
    if request.serverless:
        check_serverless_cloud(loaded)
        wheel = check_serverless_wheel(request.wheel)
        job["environments"] = [environment(wheel, request.environment_version)]
        extra = run_parameters(request.smoke)
    else:
        wheel = check_wheel_location(request.wheel or default_wheel_location())
        job["job_clusters"] = [{"job_cluster_key": CLUSTER_KEY,
                                "new_cluster": new_cluster(loaded, wheel, request.smoke)}]
        extra = []
    job["tasks"] = []
    previous: str | None = None
    for layer in loaded.catalog.names():
        params = task_parameters(request.dialect, layer, request.cloud, request.env,
                                 request.config_root) + extra
        job["tasks"].append(wheel_task(layer, previous, params, wheel,
                                       serverless=request.serverless))
        previous = layer
    for layer in _maintained(request.maintain_layers, loaded.catalog.names()):
        params = task_parameters(request.dialect, layer, request.cloud, request.env,
                                 request.config_root) + extra
        job["tasks"].append(wheel_task(layer, previous, params, wheel, MAINTAIN_ENTRY_POINT,
                                       MAINTAIN_TASK_PREFIX + layer, request.serverless))
    return job


def check_request(request: JobRequest) -> None:
    """The command-line choices that need no config: dialect, compute and what it allows."""
    if request.dialect not in DIALECTS:
        raise ConfigError("--dialect", f"one of {', '.join(DIALECTS)}", repr(request.dialect),
                          source="command line")
    if request.compute not in COMPUTES:
        raise ConfigError("--compute", f"one of {', '.join(COMPUTES)}", repr(request.compute),
                          source="command line")
    if request.serverless:
        check_environment_version(request.environment_version)
        check_serverless_config_root(request.dialect, request.config_root)
        check_serverless_wheel(request.wheel)


def _maintained(layers: tuple[str, ...], known: list[str]) -> list[str]:
    """The layers to maintain, in chain order; an unknown one is an error naming the option."""
    unknown = [x for x in layers if x not in known]
    if unknown:
        raise ConfigError("--maintain-layers", f"layers of the chain ({', '.join(known)})",
                          ", ".join(map(repr, unknown)), source="command line")
    return [x for x in known if x in layers]
