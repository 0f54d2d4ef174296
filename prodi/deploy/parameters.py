"""The `run-layer` parameters of one task, in each dialect `prodi.cli.dialects` understands."""

from __future__ import annotations

from prodi.model.errors import ConfigError

DIALECTS: tuple[str, ...] = ("hydra", "legacy", "named")
DEFAULT_CONFIG_ROOT = "dbfs:/cfg"
_CONFIG_ROOT_PREFIXES = ("dbfs:/", "/")


def config_file(config_root: str, layer: str, cloud: str, env: str) -> str:
    """The legacy config a task reads: `<root>/<layer>/<cloud>.<env>.yml` (as in cfg/)."""
    return f"{config_root.rstrip('/')}/{layer}/{cloud}.{env}.yml"


def check_config_root(config_root: str) -> str:
    """`config_root` when a task can read it: `dbfs:/...`, `/Volumes/...` or another absolute path."""
    if not config_root.startswith(_CONFIG_ROOT_PREFIXES) or config_root.rstrip("/") in ("", "dbfs:"):
        raise ConfigError("--config-root", "dbfs:/<dir>, /Volumes/<...> or another absolute "
                          "directory", repr(config_root), source="command line")
    return config_root.rstrip("/")


def task_parameters(dialect: str, layer: str, cloud: str, env: str,
                    config_root: str = DEFAULT_CONFIG_ROOT) -> list[str]:
    """The parameters that make `run-layer` run `layer` for `cloud`/`env` in `dialect`."""
    if dialect == "hydra":
        return [f"layer={layer}", f"cloud={cloud}", f"env={env}"]
    path = config_file(config_root, layer, cloud, env)
    if dialect == "legacy":
        return ["--layer", layer, "--config", path]
    if dialect == "named":
        return [f"--layer={layer}", f"--config={path}"]
    raise ConfigError("--dialect", f"one of {', '.join(DIALECTS)}", repr(dialect),
                      source="command line")
