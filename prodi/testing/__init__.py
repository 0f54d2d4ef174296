"""prodi's test kit for your pipeline: a pytest plugin (registered as `prodi` in `pytest11`).

Fixtures: `prodi_workspace` (a temporary lakehouse pointed at your config: land rows or files,
run layers in-process on pytest-spark's `spark_session`, read tables and quarantines),
`prodi_workspace_factory` (the same at a folder of your choice, for module-scoped pipelines)
and `prodi_golden` (compare tables with golden CSV/JSON files; `pytest --update-golden` writes
them). ini options: `prodi_config_dir`, `prodi_overrides`. See docs/user-project.md.

Importing this package starts no Spark.
"""

from prodi.testing.golden import GoldenTable, read_golden, write_golden
from prodi.testing.workspace import Workspace

__all__ = ["GoldenTable", "Workspace", "read_golden", "write_golden"]
