"""The runner of each layer, by name."""

from __future__ import annotations

from collections.abc import Iterator

from prodi.layers.bronze import run_bronze
from prodi.layers.context import LayerContext
from prodi.layers.gold import run_gold
from prodi.layers.raw import run_raw
from prodi.layers.silver import run_silver
from prodi.observability.summary import DatasetResult

DATASET_RUNNERS = {"raw": run_raw, "bronze": run_bronze, "silver": run_silver}


def run_layer(ctx: LayerContext, names: list[str]) -> Iterator[DatasetResult]:
    """Run the selected layer over `names` (datasets, or marts for gold), one result each."""
    layer = ctx.app.layer.name
    if layer == "gold":
        yield from run_gold(ctx, names)
        return
    runner = DATASET_RUNNERS[layer]
    for name in names:
        yield runner(ctx, name, ctx.app.pipeline.datasets[name])
