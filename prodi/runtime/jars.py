"""Where the jars a run needs come from (Delta's, and the JDBC drivers its sources name): a
configured folder, jars Ivy fetched before, or Maven Central. Delta's are those of the installed
delta-spark, built for the installed pyspark's Spark and Scala (read from the distributions'
metadata: no JVM)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, requires, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

Artifact = tuple[str, str, str]  # group, artifact, version

# The default line (Spark 3.5, Scala 2.12): what `prodi[spark]` installs and `prodi init` writes.
DELTA_VERSION = "3.3.2"  # must match the delta-spark wheel pinned in pyproject.toml's spark extra
# The first Delta release with a jar built for each Spark 4 minor (`delta-spark_<spark>_2.13`).
# Before Delta 4.1, one `delta-spark_2.13` jar per release, for one Spark (4.0 for Delta 4.0).
SPARK_SPECIFIC_JARS = {"4.0": Version("4.1.0"), "4.1": Version("4.1.0"), "4.2": Version("4.4.0")}
# The pairs to offer when the installed one can't work: the extra, and what it installs.
LINES = ('"prodi[spark]" (Spark 3.5 + Delta 3.3)', '"prodi[spark4]" (Spark 4.0 + Delta 4.0)')
MATCHING_DELTA = {(3, 5): "delta-spark==3.3.*", (4, 0): "delta-spark==4.0.*"}


class SparkDeltaMismatchError(RuntimeError):
    """The installed pyspark and delta-spark can't run together (or one of them is missing)."""


def delta_artifacts(spark: str, delta: str) -> tuple[Artifact, ...]:
    """The Maven artifacts of Delta `delta` for Spark `spark`, delta-spark first, then what it
    needs beyond Spark itself (what `make jars` fetches for an offline folder)."""
    spark_v, delta_v = _version("pyspark", spark), _version("delta-spark", delta)
    line = (spark_v.major, spark_v.minor)
    if delta_v.major == 3:
        if line != (3, 5):
            raise _mismatch(spark, delta, "Delta 3 runs on Spark 3.5 only")
        return (("io.delta", "delta-spark_2.12", delta), ("io.delta", "delta-storage", delta),
                ("org.antlr", "antlr4-runtime", "4.9.3"))
    if delta_v.major != 4:
        raise _mismatch(spark, delta, "prodi knows Delta 3 (Spark 3.5) and Delta 4 (Spark 4)")
    if spark_v.major != 4:
        raise _mismatch(spark, delta, "Delta 4 runs on Spark 4 only")
    storage = ("io.delta", "delta-storage", delta)
    if delta_v.release[:2] == (4, 0):
        if line != (4, 0):
            raise _mismatch(spark, delta, "Delta 4.0 is built for Spark 4.0 only")
        return (("io.delta", "delta-spark_2.13", delta), storage,
                ("org.antlr", "antlr4-runtime", "4.13.1"))
    spark_mm = f"{line[0]}.{line[1]}"
    first = SPARK_SPECIFIC_JARS.get(spark_mm)
    if first is not None and delta_v < first:
        raise _mismatch(spark, delta, f"Delta has jars for Spark {spark_mm} from {first} on")
    kernel = (() if delta_v < Version("4.3.0") else
              tuple(("io.delta", f"delta-kernel-{k}", delta)
                    for k in ("api", "defaults", "unitycatalog")))
    return (("io.delta", f"delta-spark_{spark_mm}_2.13", delta), storage, *kernel)


def installed_delta_artifacts(
        dist_version: Callable[[str], str] = version,
        dist_requires: Callable[[str], list[str] | None] = requires) -> tuple[Artifact, ...]:
    """`delta_artifacts` of the installed pyspark and delta-spark, which must also satisfy
    delta-spark's own requirement on pyspark."""
    spark, delta = installed_versions(dist_version)
    if spark is None:
        raise SparkDeltaMismatchError(f"a local Spark session needs pyspark, which this Python "
                                      f"lacks; install one of {' or '.join(LINES)}")
    if delta is None:
        raise SparkDeltaMismatchError(
            f"pyspark {spark} is installed without delta-spark; install {_fix(spark)}")
    for text in dist_requires("delta-spark") or ():
        wanted = Requirement(text)
        if wanted.name == "pyspark" and not wanted.marker and \
                not wanted.specifier.contains(spark, prereleases=True):
            raise _mismatch(spark, delta, f"delta-spark {delta} requires pyspark{wanted.specifier}")
    return delta_artifacts(spark, delta)


def installed_versions(dist_version: Callable[[str], str] = version
                       ) -> tuple[str | None, str | None]:
    """The installed pyspark's and delta-spark's versions (None: not installed as a
    distribution), from their metadata."""
    found = []
    for dist in ("pyspark", "delta-spark"):
        try:
            found.append(dist_version(dist))
        except PackageNotFoundError:
            found.append(None)
    return found[0], found[1]


def _version(dist: str, text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        raise SparkDeltaMismatchError(f"{dist} reports version {text!r}, which isn't one") from None


def _mismatch(spark: str, delta: str, why: str) -> SparkDeltaMismatchError:
    return SparkDeltaMismatchError(f"pyspark {spark} and delta-spark {delta} can't run together "
                                   f"({why}); install {_fix(spark)}")


def _fix(spark: str) -> str:
    """What to install next to pyspark `spark`: the delta-spark of its line, else a whole line."""
    try:
        known = MATCHING_DELTA.get(Version(spark).release[:2])
    except InvalidVersion:
        known = None
    lines = " or ".join(LINES)
    return f'"{known}" next to it, or one of {lines} instead' if known else f"one of {lines}"


# The default line's Delta jars (the `spark` extra's pyspark 3.5 and delta-spark DELTA_VERSION).
DELTA_ARTIFACTS = delta_artifacts("3.5.0", DELTA_VERSION)


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


def _artifact(coordinate: str) -> tuple[str, str, str]:
    parts = coordinate.split(":")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"expected a Maven coordinate group:artifact:version, got {coordinate!r}")
    group, artifact, version = parts
    return group, artifact, version


def _names(group: str, artifact: str, release: str) -> tuple[str, str]:
    """A jar's file name as Maven and as Ivy (`spark.jars.packages`) save it."""
    return f"{artifact}-{release}.jar", f"{group}_{artifact}-{release}.jar"


def _jars_in(folder: Path, artifacts: Sequence[Artifact]) -> list[str] | None:
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


def jar_sources(jars_dir: str | None, packages: Iterable[str] = (), ivy_home: Path | None = None,
                delta: Sequence[Artifact] | None = None) -> list[JarSource]:
    """Where the Delta jars (`delta`, else those of the installed pyspark and delta-spark) and
    the jars of `packages` (Maven coordinates, e.g. JDBC drivers) come from: all from `jars_dir`
    when set (offline), else each from Ivy's earlier download if it is there, else from Maven
    Central through Ivy. At most one source per Spark conf key."""
    delta = tuple(delta or installed_delta_artifacts())
    bundles = [(":".join(delta[0]), delta),
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
