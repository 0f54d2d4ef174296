"""Where the Delta jars come from: a configured folder, jars Ivy fetched before, or Maven Central."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DELTA_VERSION = "3.3.2"  # must match the delta-spark wheel pinned in pyproject.toml
SCALA = "2.12"
# group, artifact, version: delta-spark and what it needs beyond Spark itself.
DELTA_ARTIFACTS = (
    ("io.delta", f"delta-spark_{SCALA}", DELTA_VERSION),
    ("io.delta", "delta-storage", DELTA_VERSION),
    ("org.antlr", "antlr4-runtime", "4.9.3"),
)


@dataclass(frozen=True)
class JarSource:
    conf_key: str  # spark.jars or spark.jars.packages
    value: str
    description: str


def maven_coordinates() -> str:
    return ",".join(f"{g}:{a}:{v}" for g, a, v in DELTA_ARTIFACTS[:1])


def _jars_in(folder: Path) -> list[str] | None:
    """The Delta jars in `folder` (Maven or Ivy file naming), or None if any is missing."""
    found = []
    for group, artifact, version in DELTA_ARTIFACTS:
        names = (f"{artifact}-{version}.jar", f"{group}_{artifact}-{version}.jar")
        hit = next((folder / n for n in names if (folder / n).is_file()), None)
        if hit is None:
            return None
        found.append(str(hit))
    return found


def delta_jar_source(jars_dir: str | None, ivy_home: Path | None = None) -> JarSource:
    """Jars from `jars_dir` (offline), else from Ivy's earlier download, else Maven Central."""
    if jars_dir:
        folder = Path(jars_dir).expanduser()
        jars = _jars_in(folder)
        if jars is None:
            wanted = ", ".join(f"{a}-{v}.jar" for _, a, v in DELTA_ARTIFACTS)
            raise FileNotFoundError(f"spark.jars_dir {str(folder)!r} lacks Delta jars ({wanted}); "
                                    "fetch them with `make jars`")
        return JarSource("spark.jars", ",".join(jars), f"jars from {folder}")
    cached = _jars_in((ivy_home or Path.home() / ".ivy2") / "jars")
    if cached is not None:
        return JarSource("spark.jars", ",".join(cached), "jars Ivy fetched earlier")
    return JarSource("spark.jars.packages", maven_coordinates(), "Maven Central through Ivy")
