"""Where Hydra keeps its record of a run (`.hydra/`, a sweep's `multirun.yaml`): beside the run
ledger under the lakehouse root by default (prodi/conf/config.yaml), never in the directory the
user started prodi from. Hydra writes it with local file APIs, so with a root on remote storage
(abfss://, s3a://, gs://) it goes to the user's cache, as a dry-run's does (a dry-run writes
nothing to the lakehouse). See docs/run/hydra-outputs.md."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from loguru import logger
from omegaconf import DictConfig, OmegaConf, open_dict

from prodi.model.layout import file_uri_path

DIR_KEYS = ("hydra.run.dir", "hydra.sweep.dir")


def user_cache(environ: Mapping[str, str] | None = None) -> Path:
    """prodi's folder in the user's cache ($XDG_CACHE_HOME, else ~/.cache)."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "prodi"


def on_local_disk(path: str, root: str, dry_run: bool,
                  environ: Mapping[str, str] | None = None) -> str:
    """`path` as a folder Hydra can write. The default under the lakehouse `root` moves to the
    user's cache for a dry-run (it writes nothing to the lakehouse) and for a root on remote
    storage; a `file:` URI becomes its path, another remote URI a folder of the cache."""
    path, root = file_uri_path(path), file_uri_path(root)
    home = f"{root.rstrip('/')}/_prodi/hydra"
    if path.startswith(home + "/") and (dry_run or "://" in root):
        return str(user_cache(environ) / "hydra" / path[len(home) + 1:])
    if "://" in path:
        return str(user_cache(environ) / "hydra" / path.split("://", 1)[1].lstrip("/"))
    return path


def settle_output_dirs(cfg: DictConfig, dry_run: bool) -> None:
    """The job's output dirs on local disk: one moved is resolved now, the others are left to
    resolve when the job starts."""
    root = str(OmegaConf.select(cfg, "cloud.storage.root", default=""))
    for key in DIR_KEYS:
        value = str(OmegaConf.select(cfg, key))
        local = on_local_disk(value, root, dry_run)
        if local != value:
            pin(cfg, key, local)


def pin(cfg: DictConfig, key: str, path: str) -> None:
    """Set an output dir to `path` (a sweep's jobs share the one its multirun.yaml is in)."""
    with open_dict(cfg):
        OmegaConf.update(cfg, key, path, merge=False)


def writable(path: str, environ: Mapping[str, str] | None = None) -> str:
    """`path`, created; or, when it can't be (a read-only or full lakehouse), a folder of the
    user's cache, so the run goes on to report the fault in its own words."""
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
        return path
    except OSError as exc:
        fallback = user_cache(environ).joinpath("hydra", *Path(path).parts[-2:])
        fallback.mkdir(parents=True, exist_ok=True)
        logger.warning("Hydra's record of this run is in {}: {} could not be created ({})",
                       fallback, path, exc)
        return str(fallback)
