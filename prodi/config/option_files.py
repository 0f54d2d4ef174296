"""Which file each selected config option was composed from, named as the user knows it.

Hydra records where it composed from (`hydra.runtime.config_sources`, in search order) and
which option of each group it took (`hydra.runtime.choices`); the file of an option is the first
source that has it, as Hydra itself looks it up. A user's `--config-dir my_conf` then shows as
`my_conf/pipeline/sales.yaml`, not as the packaged tree's `conf/...`.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

PACKAGE = "prodi.conf"
PACKAGE_NAME = "conf"  # the packaged tree, as the README names it (`conf/` links to prodi/conf/)
PRIMARY = "config"  # the primary config's name in `option_files`


def option_files(cfg: DictConfig) -> dict[str, str]:
    """Group -> the file its selected option came from; `PRIMARY` -> the primary config's file.
    Empty when the config carries no Hydra runtime record."""
    hydra = cfg.get("hydra")
    if hydra is None:
        return {}
    sources = OmegaConf.select(hydra, "runtime.config_sources", default=None) or []
    choices = OmegaConf.select(hydra, "runtime.choices", default=None) or {}
    wanted = {str(g): f"{g}/{c}" for g, c in choices.items()
              if c is not None and not str(g).startswith("hydra")}
    wanted[PRIMARY] = PRIMARY
    found: dict[str, str] = {}
    for group, config_path in wanted.items():
        for source in sources:
            shown = _file_in(str(source.schema), str(source.path), config_path)
            if shown is not None:
                found[group] = shown
                break
    return found


def group_options(group: str, config_dirs: list[str]) -> list[str]:
    """The options of a config group: its `*.yaml` files, packaged or in a user's config dir."""
    folders = [Path(str(resources.files(PACKAGE).joinpath(group)))]
    folders += [Path(d).expanduser() / group for d in config_dirs]
    return sorted({p.stem for folder in folders if folder.is_dir() for p in folder.glob("*.yaml")})


def shown_path(path: str | Path) -> str:
    """A config file's name for messages: the packaged tree as `conf/...`, a file under the
    working directory relative to it, any other file absolute."""
    path = Path(path).absolute()
    package = Path(str(resources.files(PACKAGE))).absolute()
    for root, name in ((package, PACKAGE_NAME), (Path.cwd(), "")):
        try:
            rest = path.relative_to(root)
        except ValueError:
            continue
        return str(Path(name) / rest) if name else str(rest)
    return str(path)


def _file_in(schema: str, path: str, config_path: str) -> str | None:
    """The shown name of `config_path` in one search-path entry, or None when it has none."""
    name = f"{config_path}.yaml"
    if schema == "file":
        file = Path(path) / name
        return shown_path(os.path.normpath(file)) if file.is_file() else None
    if schema == "pkg":
        try:
            found = resources.files(path).joinpath(name).is_file()
        except (ModuleNotFoundError, TypeError):
            return None
        if not found:
            return None
        return f"{PACKAGE_NAME}/{name}" if path == PACKAGE else f"pkg://{path}/{name}"
    return None  # the ConfigStore (`structured`): no file; prodi registers nothing there
