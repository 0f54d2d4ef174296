"""A table or query of a database, through JDBC. (Being built.)"""

from __future__ import annotations

from prodi.sources.base import Source


class Jdbc(Source):
    """A table or query of a database, through JDBC."""
