"""Sources by name. Add one: subclass `Source`, register it under `prodi.sources`."""

from prodi.plugins.registry import Registry
from prodi.sources.base import Source
from prodi.sources.delta_table import DeltaTableSource
from prodi.sources.http import Http
from prodi.sources.jdbc import Jdbc
from prodi.sources.landed_files import LandedFiles
from prodi.sources.layer_table import LayerTable
from prodi.sources.sql import Sql

SOURCES: Registry[Source] = Registry("source", "prodi.sources", Source, {
    "landed_files": LandedFiles, "layer_table": LayerTable, "sql": Sql,
    "jdbc": Jdbc, "http": Http, "delta_table": DeltaTableSource,
})

__all__ = ["SOURCES", "Source"]
