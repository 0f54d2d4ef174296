"""A read-only table folder (without root's permission override) and a full disk (a tiny tmpfs)
under a raw run that has a new delivery to append: the run fails with one paragraph naming the
cause, the table and that it was writing, no JVM trace; the table still reads as before; once the
fault is fixed, the same command ends with the table an unfaulted run gives."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from prodi.cli.main import main
from prodi.model.columns import FILE_MODIFIED, INGESTED_AT, RUN_ID, SOURCE_FILE
from tests.conftest import generate_demo_data

pytestmark = [pytest.mark.spark, pytest.mark.slow]

PRODI = str(Path(sys.executable).parent / "prodi")
RUN = ["run-layer", "layer=raw", "datasets=[orders]"]  # one table is enough, and quicker
LATER = Path("orders") / "orders_2026-01-02.csv"  # the delivery the faulted run appends
SETPRIV = ["setpriv", "--inh-caps=-dac_override,-fowner", "--bounding-set=-dac_override,-fowner"]


def demo_landing(landing: Path) -> None:
    generate_demo_data(landing, "--days", "2", "--orders-per-day", "5", "--customers", "4")


def raw_orders(spark, lakehouse: Path) -> list[tuple]:
    """The raw orders table's rows without what differs between runs (when, which run, where
    the landing folder is)."""
    df = spark.read.format("delta").load(str(lakehouse / "raw" / "orders"))
    df = df.drop(INGESTED_AT, RUN_ID, FILE_MODIFIED)
    rows = [{**r.asDict(), SOURCE_FILE: r[SOURCE_FILE].rsplit("/", 1)[-1]} for r in df.collect()]
    return sorted(tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows)


@pytest.fixture(scope="module")
def unfaulted(spark_session, tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    """The raw orders one clean run over both days gives."""
    base = tmp_path_factory.mktemp("unfaulted")
    demo_landing(base / "lakehouse" / "landing")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(base)
        mp.setenv("PRODI_LAKEHOUSE", str(base / "lakehouse"))
        mp.setenv("PRODI_HYDRA_DIR", str(base / "hydra"))
        main(RUN)
    return raw_orders(spark_session, base / "lakehouse")


def first_day_ingested(spark, lakehouse: Path) -> list[tuple]:
    """Raw run over the first day's delivery; the second's orders land after it."""
    landing = lakehouse / "landing"
    demo_landing(landing)
    held = lakehouse.parent / "held.csv"
    shutil.move(landing / LATER, held)  # (the lakehouse may be a file system of its own)
    main(RUN)
    shutil.move(held, landing / LATER)
    return raw_orders(spark, lakehouse)


def check_one_paragraph(output: str, table: Path, cause: str) -> None:
    errors = [line for line in output.splitlines()
              if f"Storage failure writing raw table {table}: {cause}" in line]
    assert len(errors) == 1, output
    assert "Traceback" not in output and "\tat " not in output and "Caused by" not in output


def test_a_read_only_table_folder(spark_session, isolated_run, unfaulted):
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: root's permission override can't be "
                    "dropped, so a read-only folder stays writable")
    lakehouse = isolated_run / "lakehouse"
    before = first_day_ingested(spark_session, lakehouse)
    table = lakehouse / "raw" / "orders"
    modes = {p: p.stat().st_mode for p in [table, *table.rglob("*")]}
    for path, mode in modes.items():
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        prefix = SETPRIV if os.geteuid() == 0 else []
        faulted = subprocess.run([*prefix, PRODI, *RUN], cwd=isolated_run,
                                 capture_output=True, text=True, timeout=600)
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
    output = faulted.stdout + faulted.stderr
    assert faulted.returncode == 1, output
    check_one_paragraph(output, table, "Permission denied (")
    assert raw_orders(spark_session, lakehouse) == before  # it reads as it was

    main(RUN)  # the fault fixed: the same command
    assert raw_orders(spark_session, lakehouse) == unfaulted


@pytest.fixture
def tiny_disk(isolated_run: Path) -> Iterator[Path]:
    """The lakehouse on a 4 MB tmpfs (root only)."""
    lakehouse = isolated_run / "lakehouse"
    lakehouse.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk needs a tmpfs of its own: mount -t tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(lakehouse)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not allowed here: {mounted.stderr.strip()}")
    try:
        yield lakehouse
    finally:
        subprocess.run(["umount", "-l", str(lakehouse)], check=True)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk(spark_session, tiny_disk, capfd, unfaulted):
    before = first_day_ingested(spark_session, tiny_disk)
    filler = fill(tiny_disk)
    capfd.readouterr()
    with pytest.raises(SystemExit) as failed:
        main(RUN)
    assert failed.value.code == 1
    check_one_paragraph("".join(capfd.readouterr()), tiny_disk / "raw" / "orders",
                        "No space left on device")
    assert raw_orders(spark_session, tiny_disk) == before

    filler.unlink()  # the fault fixed: the same command
    main(RUN)
    assert raw_orders(spark_session, tiny_disk) == unfaulted
