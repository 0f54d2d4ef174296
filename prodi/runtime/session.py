"""Build or reuse the SparkSession a run executes on, with Delta Lake enabled."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from importlib import resources

from loguru import logger
from pyspark.sql import SparkSession

from prodi.runtime.classic import classic_jvm, kill_local_jvm, stop_local_jvm
from prodi.runtime.ivy import PACKAGES, conf_packages, fetch_line, ivy_home, resolve
from prodi.runtime.jars import in_ivy_cache, jar_sources
from prodi.runtime.platform import on_databricks

DELTA_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}
# A Connect session's errors without the server's JVM stack (pages of it in every message);
# spark.conf can turn it back on.
CONNECT_CONF = {"spark.sql.connect.serverStacktrace.enabled": "false"}
HADOOP = "spark.hadoop."
SESSION_TIME_ZONE = "spark.sql.session.timeZone"
QUIET_CONF = {
    "spark.ui.showConsoleProgress": "false",
    SESSION_TIME_ZONE: "UTC",
    # Spark masks conf values whose keys match this in its UI, logs and event logs; the default
    # misses storage account keys and SAS tokens, which cloud configs may set from secrets.
    "spark.redaction.regex": r"(?i)secret|password|token|access[.]key|account[.]key|sas|credential",
}


class ConnectUnreachableError(RuntimeError):
    """The Spark Connect server of `spark.remote` (or SPARK_REMOTE) doesn't answer."""

    def __init__(self, url: str, problem: str) -> None:
        self.url = url
        super().__init__(
            f"Spark Connect server {url} can't be reached ({problem}). Check that the server is "
            "running (start-connect-server.sh, or Databricks compute that is up), that host and "
            "port are right and reachable from here (firewall, VPN, proxy), and that the URL's "
            "parameters (token, cluster id) are valid; or set spark.remote=null (and unset "
            "SPARK_REMOTE) to run on a Spark of this process.")


def get_session(master: str, app_name: str, conf: Mapping[str, str], jars_dir: str | None = None,
                environ: Mapping[str, str] | None = None, packages: Iterable[str] = (),
                remote: str | None = None) -> SparkSession:
    """The active session if there is one (notebook, cluster, test, sweep), or the runtime's on
    Databricks; else one of the Spark Connect server at `remote` (sc://host:port); else a new
    local one with Delta and the jars of `packages` (Maven coordinates, such as JDBC drivers).
    A session already running keeps the jars it started with."""
    active = SparkSession.getActiveSession()
    if active is not None:
        _apply_runtime_conf(active, conf)
        return active
    if on_databricks(environ):  # serverless too: the runtime's own (Connect) session
        logger.info("Databricks runtime detected: using the cluster's SparkSession{}",
                    f" (spark.remote {remote} not used)" if remote else "")
        session = SparkSession.builder.getOrCreate()
        _apply_runtime_conf(session, conf)
        return session
    if remote:
        return connect_session(remote, app_name, conf, packages)
    if os.environ.pop("SPARK_REMOTE", None) is not None:  # PySpark would connect to it anyway
        logger.info("spark.remote is null: SPARK_REMOTE ignored, Spark runs in this process")
    # spark-submit started this Python and its JVM (EMR, Dataproc, Kubernetes, a standalone
    # cluster): its --master, --jars and --packages apply. Set here, spark.master would override
    # --master and spark.jars its jars; and jars added now would never reach the driver's JVM.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    jars = [] if submitted else local_jars(conf, jars_dir, tuple(packages))
    builder = SparkSession.builder.appName(app_name)
    if not submitted:
        builder = builder.master(master)
    for key, value in {**QUIET_CONF, **DELTA_CONF, **conf}.items():
        if key != PACKAGES and not (submitted and key.startswith(("spark.jars", "spark.master"))):
            builder = builder.config(key, value)  # packages fetched above: the driver JVM never runs Ivy
    if submitted:
        logger.info("spark-submit started this driver: its --master and --jars/--packages apply "
                    "(not spark.master={} nor jars fetched by prodi)", master)
    else:
        builder = builder.config("spark.driver.extraJavaOptions", driver_java_options(conf))
        builder = builder.config("spark.jars", ",".join(filter(None, (conf.get("spark.jars"), *jars))))
    logger.info("starting Spark ({})…", "spark-submit's --master" if submitted else master)
    started = time.monotonic()
    interrupt = signal.getsignal(signal.SIGINT)
    session = builder.getOrCreate()
    if interrupt not in (signal.default_int_handler, None) and \
            threading.current_thread() is threading.main_thread():
        # PySpark's own SIGINT handler raises KeyboardInterrupt inside a blocked Py4J call;
        # a handler installed before (prodi's) stays in charge.
        signal.signal(signal.SIGINT, interrupt)
    _set_log_level(session, "ERROR")
    logger.debug("Spark started in {:.1f}s", time.monotonic() - started)
    return session


def connect_session(url: str, app_name: str, conf: Mapping[str, str], packages: Iterable[str] = ()
                    ) -> SparkSession:
    """A session of the Spark Connect server at `url`. The server has its jars (Delta's, JDBC
    drivers), its master and its Hadoop conf; only runtime settings are set from here."""
    if packages:
        logger.info("Spark Connect: the server needs the jars of {} (not fetched here)",
                    ", ".join(packages))
    _probe(url)
    logger.info("connecting to Spark Connect at {}…", url)
    started = time.monotonic()
    try:
        session = SparkSession.builder.remote(url).appName(app_name).getOrCreate()
        version = session.version  # the first call to the server
    except Exception as exc:  # noqa: BLE001 - gRPC's own text is pages long; say what to check
        raise ConnectUnreachableError(url, _first_line(exc)) from None
    logger.info("Spark Connect: server runs Spark {} ({:.1f}s)", version, time.monotonic() - started)
    # The server owns static settings (redaction, UI, Delta's extension): only runtime ones here.
    runtime = {SESSION_TIME_ZONE: QUIET_CONF[SESSION_TIME_ZONE], **CONNECT_CONF,
               **{k: v for k, v in conf.items() if k not in DELTA_CONF}}
    _apply_runtime_conf(session, runtime)
    return session


def _probe(url: str, timeout_s: float = 10.0) -> None:
    """Fail fast, in one paragraph, when nothing listens at the URL's host and port (the gRPC
    client would retry for minutes)."""
    address = url[len("sc://"):].split("/", 1)[0]
    host, _, port = address.rpartition(":") if ":" in address else (address, "", "15002")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
            pass
    except (OSError, ValueError) as exc:
        raise ConnectUnreachableError(url, f"nothing answers at {host}:{port}: "
                                      f"{exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}"
                                      ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


def local_jars(conf: Mapping[str, str], jars_dir: str | None, packages: tuple[str, ...]
               ) -> list[str]:
    """The jar files a new local session starts with: Delta's and those of `packages` and of the
    conf's `spark.jars.packages`, fetched first (quietly, one line logged) if they must be."""
    home = ivy_home(conf)
    sources = jar_sources(jars_dir, packages, home)
    logger.debug("Spark jars: Delta{} ({})", "".join(f", {p}" for p in packages),
                 "; ".join(s.description for s in sources))
    jars = [j for s in sources if s.conf_key == "spark.jars" for j in s.value.split(",")]
    fetch = [c for s in sources if s.conf_key == PACKAGES for c in s.value.split(",")]
    # The conf's own packages may need more jars than their own, which only Ivy knows: they are
    # resolved each time (`resolve` remembers what it resolved them to).
    wanted = list(dict.fromkeys([*fetch, *conf_packages(conf)]))
    if not wanted:
        return jars
    new = [c for c in wanted if c in fetch or not in_ivy_cache(c, home)]
    if new:
        logger.info(fetch_line(new, conf))
    return jars + resolve(wanted, conf, _log4j_option())


def stop_spark(timeout_s: float = 10.0) -> None:
    """Stop the SparkContext this process started and the JVM behind it (waiting up to
    `timeout_s`, then killing it), so no Spark process outlives the command. A Spark Connect
    session is released on its server (the server keeps running)."""
    from pyspark.sql.utils import is_remote

    if is_remote():
        active = SparkSession.getActiveSession()
        if active is not None:
            try:
                active.stop()
            except Exception as exc:  # noqa: BLE001 - the server times the session out anyway
                logger.debug("releasing the Spark Connect session failed: {}", exc)
        return
    stop_local_jvm(timeout_s)


def kill_jvm() -> None:
    """Kill the JVM this process started, at once (a second Ctrl-C)."""
    kill_local_jvm()


def driver_java_options(conf: Mapping[str, str]) -> str:
    """The driver JVM's options: the conf's own (a user's -Xss, GC or agent flags), then prodi's
    log4j configuration."""
    return " ".join(filter(None, (conf.get("spark.driver.extraJavaOptions"), _log4j_option())))


def _log4j_option() -> str:
    path = resources.files("prodi.runtime").joinpath("log4j2.properties")
    return f"-Dlog4j2.configurationFile=file:{path}"


def _set_log_level(session: SparkSession, level: str) -> None:
    jvm = classic_jvm(session)
    if jvm is not None:  # on Connect, the server's log level is the server's
        jvm.set_log_level(level)


def _apply_runtime_conf(session: SparkSession, conf: Mapping[str, str]) -> None:
    """Set what can be set on a running session; static settings belong to the cluster. Hadoop
    keys go to the session's Hadoop configuration, which only classic Spark lets us reach."""
    hadoop = {k[len(HADOOP):]: v for k, v in conf.items() if k.startswith(HADOOP)}
    if hadoop:
        jvm = classic_jvm(session)
        if jvm is not None:
            jvm.set_hadoop_conf(hadoop)
        else:
            logger.info("Spark Connect: {} not set (Hadoop settings of a Connect session belong "
                        "in the cluster's Spark config, or where the session is created)",
                        ", ".join(HADOOP + k for k in hadoop))
    for key, value in conf.items():
        if key.startswith((HADOOP, "spark.driver.", "spark.executor.", "spark.jars", "spark.master")):
            continue
        try:
            if session.conf.get(key, None) != value:
                session.conf.set(key, value)
        except Exception:  # noqa: BLE001 - static or unmodifiable config keys are skipped
            logger.debug("Spark conf {} can't change on a running session; left as is", key)
