"""`prodi init <dir>`: a new project of your own (config overlay, landing sample, tests using
prodi's test kit, a Makefile), copied from the template that ships in the wheel."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from prodi.runtime.jars import DELTA_ARTIFACTS, SparkDeltaMismatchError, installed_delta_artifacts

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

TEMPLATE_PACKAGE = "prodi.scaffold"
PROJECT = "__project__"
DELTA_PACKAGE = "__delta_package__"
# Names a wheel or a checkout would not carry as they are.
RENAMED = {"_gitignore": ".gitignore"}
SKIPPED = {"__pycache__", "__init__.py"}


class InitError(ValueError):
    """A project that can't be created here; the message says why and what to do."""


@dataclass(frozen=True)
class Project:
    root: Path
    name: str
    files: tuple[Path, ...]


def pipeline_name(folder: Path, name: str | None = None) -> str:
    """The pipeline's name: `name`, else the folder's name made an identifier (`my-shop` ->
    `my_shop`)."""
    chosen = name if name is not None else re.sub(r"\W+", "_", folder.resolve().name).strip("_").lower()
    if not re.fullmatch(r"[a-z][a-z0-9_]*", chosen or ""):
        if name is not None:
            raise InitError(f"--name {name!r}: a pipeline name is lowercase letters, digits and _, "
                            "starting with a letter")
        chosen = "pipeline"
    return chosen


def init_project(target: Path, name: str | None = None) -> Project:
    """Create the project in `target` (missing or empty); raises InitError otherwise."""
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} is a file; give a new or empty folder")
    if target.is_dir() and any(target.iterdir()):
        raise InitError(f"{target} is not empty; prodi init writes only into a new or empty folder "
                        "(nothing was changed)")
    project = pipeline_name(target, name)
    template = resources.files(TEMPLATE_PACKAGE).joinpath("template")
    written = [_copy(entry, rel, target, project) for entry, rel in _walk(template, "")]
    return Project(target, project, tuple(sorted(written)))


def next_steps(project: Project) -> str:
    """What `prodi init` prints: the files it created and the commands to run next."""
    files = "\n".join(f"  {p.relative_to(project.root)}" for p in project.files)
    return (f"created {project.root} (pipeline `{project.name}`):\n{files}\n\nnext:\n"
            f"  cd {project.root}\n"
            "  pip install 'prodi[spark,testing]'   # Spark + Delta and the test kit, if missing\n"
            "  make demo    # the sample through raw -> bronze -> silver -> gold; shows gold\n"
            "  make test    # a test of each layer\n"
            f"  prodi run-layer --config-dir conf pipeline={project.name} env={project.name}_dev "
            "layer=silver\n")


def _walk(folder: Traversable, prefix: str):  # noqa: ANN202 - yields (Traversable, relative path)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name in SKIPPED:
            continue
        rel = f"{prefix}{RENAMED.get(entry.name, entry.name)}"
        if entry.is_dir():
            yield from _walk(entry, rel + "/")
        else:
            yield entry, rel


def _copy(entry: Traversable, rel: str, target: Path, project: str) -> Path:
    path = target / rel.replace(PROJECT, project)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = entry.read_text(encoding="utf-8")
    text = text.replace(PROJECT, project).replace(DELTA_PACKAGE, delta_package())
    path.write_text(text, encoding="utf-8")
    return path


def delta_package() -> str:
    """The Delta jar of the project's test session: the one for the installed pyspark and
    delta-spark (Spark 3.5 or 4.x), else the default line's."""
    try:
        group, artifact, release = installed_delta_artifacts()[0]
    except SparkDeltaMismatchError:  # no Spark here yet: the `spark` extra's line
        group, artifact, release = DELTA_ARTIFACTS[0]
    return f"{group}:{artifact}:{release}"
