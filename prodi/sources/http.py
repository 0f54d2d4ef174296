"""Records of a REST JSON API. (Being built.)"""

from __future__ import annotations

from prodi.sources.base import Source


class Http(Source):
    """Records of a REST JSON API."""
