"""Turn any failure into one paragraph a user can act on, and an exit code."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass

from prodi.app.interrupts import Interrupted
from prodi.app.storage_faults import StorageFaultError, chain_messages, classify, doing
from prodi.io.table_health import TableStateError, missing_file_error
from prodi.model.errors import ConfigError, ConfigErrors, DataError, SourceError, WriteConflictError
from prodi.runtime.ivy import JarResolutionError
from prodi.runtime.jars import SparkDeltaMismatchError
from prodi.runtime.local_catalog import LocalCatalogBusyError
from prodi.runtime.spark_available import SparkUnavailableError
from prodi.sources.missing_input import MissingInputError

CONFIG_EXIT = 2
RUN_EXIT = 1


@dataclass(frozen=True)
class Failure:
    message: str
    exit_code: int
    traceback: str


def describe_failure(exc: BaseException) -> Failure:
    """A one-paragraph message and exit code for `exc`; the traceback is kept for debug logs."""
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if isinstance(exc, Interrupted):
        return Failure(str(exc), exc.exit_code, tb)
    if isinstance(exc, (ConfigErrors, ConfigError)):
        return Failure(str(exc), CONFIG_EXIT, tb)
    if isinstance(exc, SparkUnavailableError):  # like a secret provider's missing extra
        return Failure(f"Spark unavailable: {exc}", CONFIG_EXIT, tb)
    if isinstance(exc, SparkDeltaMismatchError):
        return Failure(f"Spark and Delta don't match: {exc}", CONFIG_EXIT, tb)
    if _is_secret_error(exc):
        return Failure(f"Secret error: {exc}", CONFIG_EXIT if _is_config_like(exc) else RUN_EXIT, tb)
    if isinstance(exc, DataError):
        return Failure(f"Data problem: {exc}", RUN_EXIT, tb)
    if isinstance(exc, MissingInputError):
        return Failure(f"Missing input: {exc}", RUN_EXIT, tb)
    if isinstance(exc, SourceError):
        return Failure(f"Source unavailable: {exc}", RUN_EXIT, tb)
    if isinstance(exc, LocalCatalogBusyError):
        return Failure(f"Catalog in use: {exc}", RUN_EXIT, tb)
    if isinstance(exc, JarResolutionError):
        return Failure(f"Jars unavailable: {exc}", RUN_EXIT, tb)
    if isinstance(exc, WriteConflictError):
        return Failure(f"Write conflict: {exc}", RUN_EXIT, tb)
    state = exc if isinstance(exc, TableStateError) else missing_file_error(exc)
    if state is not None:
        return Failure(f"Table state: {state}", RUN_EXIT, tb)
    storage = exc if isinstance(exc, StorageFaultError) else storage_fault(exc)
    if storage is not None:
        return Failure(str(storage), RUN_EXIT, tb)
    java = _java_summary(exc)
    if java:
        return Failure(f"Spark failed: {java} (run with log.level=DEBUG for the full trace)",
                       RUN_EXIT, tb)
    return Failure(f"{type(exc).__name__}: {exc}", RUN_EXIT, tb)


def storage_fault(exc: BaseException, item: tuple[str, str, str] | None = None
                  ) -> StorageFaultError | None:
    """`exc` as a storage fault (a full disk, a read-only folder, a permission), or None.
    `item`: the layer, name and table of the item the run was in, to say what it was doing."""
    fault = classify(chain_messages(exc))
    if fault is None:
        return None
    if item is not None:
        return StorageFaultError(fault, doing(fault, *item))
    what = fault.path.rsplit("/", 1)[0] if fault.path else "the lakehouse"
    return StorageFaultError(fault, f"{'writing' if fault.writing else 'reading'} {what}")


def _is_secret_error(exc: BaseException) -> bool:
    return any(c.__module__.startswith("prodi.secrets") for c in type(exc).__mro__)


def _is_config_like(exc: BaseException) -> bool:
    return type(exc).__name__ in {"SecretProviderConfigError", "MissingExtraError"}


def _java_summary(exc: BaseException) -> str | None:
    """The first line of a Py4J/Spark error, without the JVM stack dump."""
    name = type(exc).__name__
    if name not in {"Py4JJavaError", "AnalysisException", "IllegalArgumentException",
                    "ParseException", "StreamingQueryException", "PythonException",
                    "SparkRuntimeException", "SparkUpgradeException", "DeltaConcurrentModificationException"}:
        return None
    text = str(exc)
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("at ", "An error occurred while calling", "JVM stacktrace")):
            return re.sub(r"\s+", " ", line)[:600]
    return text[:600]
