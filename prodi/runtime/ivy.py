"""Fetch Maven packages the way Spark does (its own Ivy, `spark.jars.packages`), in a JVM of
their own whose output is captured: the run's log gets one line, the session gets local files.

Started with `spark.jars.packages`, the driver JVM resolves them itself and prints Ivy's
35-line report to the terminal, partly on stdout. Here `spark-submit pyspark-shell` resolves
them with the same settings (`spark.jars.ivy`, `.repositories`, `.ivySettings`, `.excludes`),
and once its gateway is up it is asked for the `spark.jars` it resolved them to, then stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

from loguru import logger

PACKAGES = "spark.jars.packages"
IVY = "spark.jars.ivy"


class JarResolutionError(RuntimeError):
    """Spark's Ivy could not fetch the jars a run needs; the message carries Ivy's report."""


def ivy_home(conf: Mapping[str, str]) -> Path:
    """Where Ivy keeps what it fetched: `spark.jars.ivy`, else ~/.ivy2 (of $HOME, which Python
    and the resolving JVM then agree on)."""
    return Path(conf.get(IVY) or Path.home() / ".ivy2").expanduser()


def conf_packages(conf: Mapping[str, str]) -> tuple[str, ...]:
    """The Maven coordinates the conf's own `spark.jars.packages` names."""
    return tuple(p.strip() for p in conf.get(PACKAGES, "").split(",") if p.strip())


def repositories(conf: Mapping[str, str]) -> str:
    """Where Ivy looks, in words: Maven Central and the conf's extra repositories, or the
    repositories of the conf's Ivy settings file."""
    if conf.get("spark.jars.ivySettings"):
        return f"the repositories of {conf['spark.jars.ivySettings']}"
    extra = [r.strip() for r in conf.get("spark.jars.repositories", "").split(",") if r.strip()]
    return " and ".join(["Maven Central", *extra])


def fetch_line(coordinates: Sequence[str], conf: Mapping[str, str]) -> str:
    """The one line a run logs while it fetches jars."""
    more = f" and {len(coordinates) - 1} more" if len(coordinates) > 1 else ""
    return f"fetching {coordinates[0]}{more} from {repositories(conf)} (first run only)"


def submit_conf(coordinates: Sequence[str], conf: Mapping[str, str], java_options: str
                ) -> dict[str, str]:
    """The settings the resolving `spark-submit` gets: the conf's Ivy settings, the packages."""
    own = {k: v for k, v in conf.items() if k.startswith("spark.jars.") and k != PACKAGES}
    return {**own, IVY: str(ivy_home(conf)), PACKAGES: ",".join(coordinates),
            "spark.driver.extraJavaOptions": java_options}


def resolve(coordinates: Sequence[str], conf: Mapping[str, str], java_options: str = ""
            ) -> list[str]:
    """The local jar files of `coordinates` and their dependencies, fetched into Ivy's cache if
    they are not there yet. Ivy's report goes to DEBUG, and into the error if it fails."""
    settings = submit_conf(coordinates, conf, java_options)
    remembered = _remembered(settings)
    known = remembered.read_text(encoding="utf-8").splitlines() if remembered.is_file() else []
    if known and all(Path(j).is_file() for j in known):
        logger.debug("{} resolved before, to {}", ", ".join(coordinates), ", ".join(known))
        return known
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="prodi-ivy-") as tmp:
        output = Path(tmp) / "output"
        jars = _submit(settings, Path(tmp) / "conn", output)
        report = output.read_text(encoding="utf-8", errors="replace").strip()
    if jars is None:
        raise JarResolutionError(
            f"could not fetch {', '.join(coordinates)} from {repositories(conf)} (Ivy cache "
            f"{ivy_home(conf)}); set spark.jars_dir (PRODI_JARS_DIR) to a folder holding the "
            f"jars on a machine that can't reach it. Spark's Ivy said:\n{report}")
    logger.debug("fetched {} jar(s) in {:.1f}s; Ivy said:\n{}", len(jars),
                 time.monotonic() - started, report)
    remembered.parent.mkdir(parents=True, exist_ok=True)
    partial = remembered.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text("\n".join(jars) + "\n", encoding="utf-8")
    partial.replace(remembered)  # a concurrent run reads the whole list or none
    return jars


def _remembered(settings: Mapping[str, str]) -> Path:
    """Where the jars of one resolution (its packages and Ivy settings) are listed for the next
    run, so it starts no JVM to resolve them again."""
    key = json.dumps(sorted((k, v) for k, v in settings.items() if k.startswith("spark.jars.")))
    return Path(settings[IVY]) / "prodi" / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.txt"


def _submit(settings: Mapping[str, str], conn_info: Path, output: Path) -> list[str] | None:
    """Run `spark-submit pyspark-shell` with `settings`, all its output into `output`: the jars
    it resolved (its `spark.jars`) once its gateway is up, or None if it exited before."""
    from pyspark.find_spark_home import _find_spark_home

    script = "spark-submit.cmd" if sys.platform == "win32" else "spark-submit"
    command = [os.path.join(_find_spark_home(), "bin", script)]
    for key, value in settings.items():
        command += ["--conf", f"{key}={value}"]
    # Like PySpark's own launcher: the gateway writes its port here, and exits when stdin closes.
    env = {**os.environ, "_PYSPARK_DRIVER_CONN_INFO_PATH": str(conn_info),
           "PYSPARK_PIN_THREAD": "false"}
    env.pop("PYSPARK_SUBMIT_ARGS", None)
    with open(output, "wb") as out:
        process = subprocess.Popen([*command, "pyspark-shell"], stdin=subprocess.PIPE, stdout=out,
                                   stderr=subprocess.STDOUT, env=env, preexec_fn=_ignore_sigint
                                   if sys.platform != "win32" else None)
    try:
        while process.poll() is None and not conn_info.is_file():
            time.sleep(0.1)
        jars = _spark_jars(conn_info) if conn_info.is_file() else None
    except BaseException:  # an interrupt while Ivy fetches: the JVM goes at once
        process.kill()
        process.wait()
        raise
    _stop(process)
    return jars


def _spark_jars(conn_info: Path) -> list[str]:
    from py4j.java_gateway import GatewayParameters, JavaGateway
    from pyspark.serializers import UTF8Deserializer, read_int

    with open(conn_info, "rb") as info:
        port, secret = read_int(info), UTF8Deserializer().loads(info)
    gateway = JavaGateway(gateway_parameters=GatewayParameters(port=port, auth_token=secret))
    try:
        value = gateway.jvm.java.lang.System.getProperty("spark.jars") or ""
    finally:
        gateway.close()
    return [local_path(j) for j in value.split(",") if j]


def local_path(jar: str) -> str:
    """A jar as `spark.jars` names it (a path or a file: URI), as a path."""
    url = urlparse(jar)
    return unquote(url.path) if url.scheme == "file" else jar


def _stop(process: subprocess.Popen) -> None:
    if process.stdin is not None:
        process.stdin.close()  # the gateway exits when its stdin closes
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _ignore_sigint() -> None:
    # A Ctrl-C is prodi's to handle (it stops the run between items); the JVM ignores it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
