"""prodi's pytest plugin (entry point `pytest11`): fixtures to test a pipeline's layers, and
golden files with `--update-golden`.

Loading it starts no Spark and imports no pyspark: the fixtures take pytest-spark's
`spark_session` when a test asks for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from prodi.testing.golden import missing_golden_message, read_golden, write_golden
from prodi.testing.workspace import Workspace

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

UPDATED = pytest.StashKey[list]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("prodi").addoption(
        "--update-golden", action="store_true", default=False,
        help="prodi: write golden files from the tables the tests produce instead of comparing")
    parser.addini("prodi_config_dir", default="",
                  help="prodi: your config dir (--config-dir of every run), relative to the ini file")
    parser.addini("prodi_overrides", type="args", default=[],
                  help="prodi: overrides every run takes, e.g. pipeline=shop env=shop_dev")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[UPDATED] = []


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:  # noqa: ANN001
    updated = config.stash.get(UPDATED, [])
    if updated:
        terminalreporter.write_sep("-", f"prodi: {len(updated)} golden file(s) written")
        for path in updated:
            terminalreporter.write_line(str(path))


WorkspaceFactory = Callable[..., Workspace]


@pytest.fixture(scope="session")
def prodi_workspace_factory(pytestconfig: pytest.Config, spark_session: SparkSession
                            ) -> WorkspaceFactory:
    """Make a Workspace at a folder, with the ini's config dir and overrides (or your own);
    for module- or session-scoped pipelines: `with factory(path).activated() as ws: ...`."""
    base = pytestconfig.inipath.parent if pytestconfig.inipath else pytestconfig.rootpath
    configured = pytestconfig.getini("prodi_config_dir")
    default_dir = (base / configured) if configured else None
    default_overrides = list(pytestconfig.getini("prodi_overrides"))

    def make(root: Path, config_dir: Path | None = default_dir,
             overrides: Sequence[str] = tuple(default_overrides)) -> Workspace:
        return Workspace(root, spark_session, config_dir, overrides)

    return make


@pytest.fixture
def prodi_workspace(prodi_workspace_factory: WorkspaceFactory, tmp_path: Path
                    ) -> Iterator[Workspace]:
    """A lakehouse of this test's own, prodi pointed at it and at your config dir."""
    with prodi_workspace_factory(tmp_path).activated() as workspace:
        yield workspace


class Golden:
    """Compare tables with golden files in a folder; with --update-golden, write them instead."""

    def __init__(self, folder: Path, update: bool, spark: SparkSession,
                 written: list[Path]) -> None:
        self.folder = folder
        self.update = update
        self.spark = spark
        self.written = written

    def check(self, df: DataFrame, name: str, columns: Sequence[str] | None = None) -> None:
        """The table (over `columns`, default: all but `_` metadata) equals the golden file
        `name` (.csv or .json) in any row order."""
        from prodi.testing.frames import as_text, assert_text_equal

        path = self.folder / name
        actual = as_text(df, columns)
        if self.update:
            write_golden(path, actual)
            self.written.append(path)
            return
        if not path.exists():
            pytest.fail(missing_golden_message(path), pytrace=False)
        assert_text_equal(self.spark, actual, read_golden(path))


@pytest.fixture
def prodi_golden(request: pytest.FixtureRequest, spark_session: SparkSession) -> Golden:
    """Golden files in a `golden/` folder next to the test file."""
    return Golden(request.path.parent / "golden", request.config.getoption("update_golden"),
                  spark_session, request.config.stash[UPDATED])
