"""Which file or override a config key came from, for error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prodi.config.legacy import LegacyFile, contains_path
from prodi.config.option_files import PACKAGE_NAME, PRIMARY

_GROUPS = ("layer", "cloud", "env", "pipeline")


@dataclass(frozen=True)
class Origins:
    choices: dict[str, str] = field(default_factory=dict)
    overrides: tuple[str, ...] = ()
    legacy: LegacyFile | None = None
    # Group (and `PRIMARY`) -> the file its option was composed from (see `option_files`).
    files: dict[str, str] = field(default_factory=dict)

    def of(self, path: str) -> str:
        """The most specific known source of the value at `path`."""
        best: tuple[int, str] | None = None
        for o in self.overrides:
            key = _as_path(o.lstrip("+~").split("=", 1)[0])
            if key in _GROUPS and not o.startswith(("+", "~")) and path != key:
                continue  # a group choice: its keys come from the group's file
            if key and (path == key or path.startswith(key + ".") or path.startswith(key + "[")):
                if best is None or len(key) >= best[0]:
                    best = (len(key), o)
        if best is not None:
            return f"command-line override {best[1]!r}"
        if self.legacy is not None and contains_path(self.legacy.body, path):
            return self.legacy.path
        top = path.split(".", 1)[0].split("[", 1)[0]
        if top in _GROUPS and top in self.choices:
            return self.files.get(top, f"{PACKAGE_NAME}/{top}/{self.choices[top]}.yaml")
        return self.files.get(PRIMARY, f"{PACKAGE_NAME}/config.yaml")


def _as_path(key: str) -> str:
    """`a.0.b` (Hydra override spelling) as `a[0].b` (error path spelling)."""
    return re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", key)
