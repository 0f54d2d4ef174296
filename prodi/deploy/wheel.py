"""The wheel a Databricks task installs: its real file name and where the cluster finds it."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

from prodi.model.errors import ConfigError

DISTRIBUTION = "prodi"
DEFAULT_LIBS_ROOT = "dbfs:/libs"
# PEP 427: {distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl, as poetry names it.
_WHEEL_NAME = re.compile(r"^prodi-(?P<version>\d[^-/]*)(?:-\d[^-/]*)?-py3-none-any\.whl$")
_REMOTE_PREFIXES = ("dbfs:/", "/Volumes/", "/Workspace/", "s3://", "abfss://", "gs://")


def wheel_file_name(dist_version: str) -> str:
    """The file name `poetry build -f wheel` gives prodi's wheel; pip rejects renamed wheels."""
    return f"{DISTRIBUTION}-{dist_version}-py3-none-any.whl"


def installed_version() -> str:
    """The version of the installed prodi distribution, which names the wheel to deploy."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        raise ConfigError("--wheel", "an installed prodi distribution (pip install -e .) or "
                          "--wheel with the wheel's location", "prodi is not installed",
                          source="command line") from None


def default_wheel_location() -> str:
    """Where the ops guide uploads the wheel: `dbfs:/libs/<real wheel file name>`."""
    return f"{DEFAULT_LIBS_ROOT}/{wheel_file_name(installed_version())}"


def check_wheel_location(location: str) -> str:
    """`location` when a cluster can install from it: a remote path ending in a real wheel name."""
    if not location.startswith(_REMOTE_PREFIXES):
        raise ConfigError("--wheel", "a location the cluster can read, starting with one of "
                          + ", ".join(_REMOTE_PREFIXES), repr(location), source="command line")
    name = location.rstrip("/").rsplit("/", 1)[-1]
    if not _WHEEL_NAME.match(name):
        raise ConfigError("--wheel", "a wheel keeping the file name poetry gave it, like "
                          f"{wheel_file_name('0.2.0')} (pip refuses renamed wheels)", repr(name),
                          source="command line")
    return location


def needs_dbfs_library_opt_in(location: str) -> bool:
    """Whether the wheel sits in the DBFS root, which DBR 15+ refuses for libraries by default."""
    return location.startswith("dbfs:/") and not location.startswith("dbfs:/Volumes/")
