"""`prodi validate`: every layer x cloud x env combination composed and validated, no JVM."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from prodi.config.compose import composer
from prodi.config.layers import layer_catalog
from prodi.config.load import load
from prodi.model.errors import ConfigError, ConfigErrors
from prodi.observability.tables import render_table


@dataclass(frozen=True)
class ComboResult:
    layer: str
    cloud: str
    env: str
    ok: bool
    millis: float
    message: str


def group_options(group: str) -> list[str]:
    """The options of a config group in the packaged tree."""
    from importlib import resources

    folder = resources.files("prodi.conf").joinpath(group)
    return sorted(Path(str(p)).stem for p in folder.iterdir() if str(p).endswith(".yaml"))


def validate_all(layers: list[str] | None, clouds: list[str] | None, envs: list[str] | None,
                 extra: list[str], environ: Mapping[str, str] | None = None,
                 config_dir: str | None = None) -> list[ComboResult]:
    """Validate each combination; a failing one doesn't stop the others."""
    results = []
    with composer(config_dir) as c:
        for layer in layers or layer_catalog([config_dir] if config_dir else []).names():
            for cloud in clouds or group_options("cloud"):
                for env in envs or group_options("env"):
                    overrides = [f"layer={layer}", f"cloud={cloud}", f"env={env}", *extra]
                    started = time.perf_counter()
                    try:
                        load(c.compose(overrides), overrides, environ)
                        ok, message = True, ""
                    except (ConfigError, ConfigErrors) as exc:
                        ok, message = False, str(exc)
                    results.append(ComboResult(layer, cloud, env, ok,
                                               (time.perf_counter() - started) * 1000, message))
    return results


def render(results: list[ComboResult]) -> str:
    rows = [[r.layer, r.cloud, r.env, "ok" if r.ok else "INVALID", f"{r.millis:.0f}",
             r.message.replace("\n", " ")[:200]] for r in results]
    failed = sum(not r.ok for r in results)
    table = render_table(rows, ["layer", "cloud", "env", "result", "ms", "problem"])
    return f"{table}\n{len(results) - failed} valid, {failed} invalid"
