"""Where the jars a run needs come from (Delta's, and the JDBC drivers its sources name): a
configured folder, jars Ivy fetched before, or Maven Central."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
class JdbcDriver:
    """The driver of one JDBC URL scheme (`jdbc:<scheme>:...`): its jar and its class."""

    group: str
    artifact: str
    version: str
    driver_class: str

    @property
    def coordinate(self) -> str:
        return f"{self.group}:{self.artifact}:{self.version}"


JDBC_DRIVERS = {
    "postgresql": JdbcDriver("org.postgresql", "postgresql", "42.7.14", "org.postgresql.Driver"),
    "sqlite": JdbcDriver("org.xerial", "sqlite-jdbc", "3.54.1.0", "org.sqlite.JDBC"),
    "mysql": JdbcDriver("com.mysql", "mysql-connector-j", "8.4.0", "com.mysql.cj.jdbc.Driver"),
    "mariadb": JdbcDriver("org.mariadb.jdbc", "mariadb-java-client", "3.5.7",
                          "org.mariadb.jdbc.Driver"),
    "sqlserver": JdbcDriver("com.microsoft.sqlserver", "mssql-jdbc", "13.2.1.jre11",
                            "com.microsoft.sqlserver.jdbc.SQLServerDriver"),
}


@dataclass(frozen=True)
class JarSource:
    conf_key: str  # spark.jars or spark.jars.packages
    value: str
    description: str


def maven_coordinates() -> str:
    return ",".join(f"{g}:{a}:{v}" for g, a, v in DELTA_ARTIFACTS[:1])


def _artifact(coordinate: str) -> tuple[str, str, str]:
    parts = coordinate.split(":")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"expected a Maven coordinate group:artifact:version, got {coordinate!r}")
    group, artifact, version = parts
    return group, artifact, version


def _names(group: str, artifact: str, version: str) -> tuple[str, str]:
    """A jar's file name as Maven and as Ivy (`spark.jars.packages`) save it."""
    return f"{artifact}-{version}.jar", f"{group}_{artifact}-{version}.jar"


def _jars_in(folder: Path, artifacts: Sequence[tuple[str, str, str]] = DELTA_ARTIFACTS
             ) -> list[str] | None:
    """The jars of `artifacts` in `folder` (Maven or Ivy file naming), or None if any is missing."""
    found = []
    for artifact in artifacts:
        hit = next((folder / n for n in _names(*artifact) if (folder / n).is_file()), None)
        if hit is None:
            return None
        found.append(str(hit))
    return found


def in_ivy_cache(coordinate: str, ivy_home: Path) -> bool:
    """Whether Ivy fetched the jar of `coordinate` itself before (its dependencies aside)."""
    return _jars_in(ivy_home / "jars", (_artifact(coordinate),)) is not None


def jar_sources(jars_dir: str | None, packages: Iterable[str] = (), ivy_home: Path | None = None
                ) -> list[JarSource]:
    """Where the Delta jars and the jars of `packages` (Maven coordinates, e.g. JDBC drivers)
    come from: all from `jars_dir` when set (offline), else each from Ivy's earlier download if
    it is there, else from Maven Central through Ivy. At most one source per Spark conf key."""
    bundles = [(maven_coordinates(), DELTA_ARTIFACTS),
               *((c, (_artifact(c),)) for c in dict.fromkeys(packages))]
    if jars_dir:
        folder = Path(jars_dir).expanduser()
        missing = [_names(*a)[0] for _, artifacts in bundles for a in artifacts
                   if _jars_in(folder, (a,)) is None]
        if missing:
            raise FileNotFoundError(f"spark.jars_dir {str(folder)!r} lacks {', '.join(missing)}; "
                                    "fetch them with `make jars` (or mvn dependency:copy)")
        jars = [j for _, artifacts in bundles for j in _jars_in(folder, artifacts) or ()]
        return [JarSource("spark.jars", ",".join(jars), f"jars from {folder}")]
    cache = (ivy_home or Path.home() / ".ivy2") / "jars"
    cached: list[str] = []
    fetched: list[str] = []
    for coordinate, artifacts in bundles:
        jars = _jars_in(cache, artifacts)
        if jars is None:
            fetched.append(coordinate)
        else:
            cached += jars
    sources = []
    if cached:
        sources.append(JarSource("spark.jars", ",".join(cached), "jars Ivy fetched earlier"))
    if fetched:
        sources.append(JarSource("spark.jars.packages", ",".join(fetched),
                                 "Maven Central through Ivy"))
    return sources
