"""The local catalog's Derby metastore is one driver's at a time: a run by name fails before its
Spark starts when another process holds it, and a lock file left by an ended one is no obstacle.
No Spark: the holder is a process taking the lock Derby takes (a POSIX record lock on dbex.lck)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from prodi.app.failure import RUN_EXIT, describe_failure
from prodi.runtime.local_catalog import LocalCatalogBusyError, open_local_catalog

HOLD = """\
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("locked", flush=True)
sys.stdin.read()
"""


def test_a_metastore_held_by_another_process_stops_the_run_before_spark(tmp_path):
    folder = tmp_path / "_catalog"
    (folder / "metastore_db").mkdir(parents=True)
    lock = folder / "metastore_db" / "dbex.lck"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(lock)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(LocalCatalogBusyError) as busy:
            open_local_catalog(str(folder))
        failure = describe_failure(busy.value)
        assert failure.exit_code == RUN_EXIT
        assert failure.message.startswith(f"Catalog in use: the local catalog {folder}/metastore_db "
                                          "is open in another Spark driver")
    finally:
        holder.communicate("")
    open_local_catalog(str(folder))  # the lock file stays behind, unlocked: free again


def test_a_new_catalog_gets_its_folder(tmp_path):
    open_local_catalog(str(tmp_path / "lakehouse" / "_catalog"))
    assert (tmp_path / "lakehouse" / "_catalog").is_dir()
