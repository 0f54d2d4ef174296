"""An item says which stage it is in as it gets there: its first and last stage (where Spark
reads and writes) at INFO, the others at DEBUG, each before the stage runs."""

from __future__ import annotations

from types import SimpleNamespace

from loguru import logger

from prodi.engine.runner import run_item
from prodi.engine.session import RunSession


class Stage:
    def __init__(self, name: str, lines: list[tuple[str, str]]) -> None:
        self.name, self.lines = name, lines

    def run(self, run) -> None:  # noqa: ANN001
        self.lines.append(("RAN", self.name))


def test_each_stage_is_announced_before_it_runs_the_ends_at_info() -> None:
    lines: list[tuple[str, str]] = []
    sink = logger.add(lambda m: lines.append((m.record["level"].name, m.record["message"])),
                      level="DEBUG")
    item = SimpleNamespace(name="orders", layer=SimpleNamespace(name="bronze"), run_date=None,
                           location=lambda layer, name: f"/lake/{layer}/{name}")
    stages = tuple(Stage(n, lines) for n in ("read", "validate_types", "check", "write"))
    session = RunSession(None, SimpleNamespace(resolve_tree=lambda node, path: node), "r1")
    try:
        run_item(session, SimpleNamespace(item=item, stages=stages))
    finally:
        logger.remove(sink)
    assert lines == [("INFO", "bronze/orders: read…"), ("RAN", "read"),
                     ("DEBUG", "bronze/orders: validate_types…"), ("RAN", "validate_types"),
                     ("DEBUG", "bronze/orders: check…"), ("RAN", "check"),
                     ("INFO", "bronze/orders: write…"), ("RAN", "write")]
