"""Names used in YAML -> classes: built-ins, plug-ins from entry points, and dotted class paths.

A plug-in distribution declares its classes under an entry-point group, e.g. in its
pyproject.toml:

    [project.entry-points."prodi.steps"]
    pivot = "my_pkg.steps:Pivot"

and YAML uses it by name (`{type: pivot, ...}`). A dotted path (`type: my_pkg.steps.Pivot`)
works without an entry point. Entry points are listed on first use and loaded only when asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from importlib import metadata
from typing import Generic, TypeVar

from prodi.model.errors import ConfigError, describe
from prodi.model.schema.plugin import PluginSpec

T = TypeVar("T")


class Registry(Generic[T]):
    """The classes of one extension kind, by name; subclasses of `base` only."""

    def __init__(self, kind: str, group: str, base: type[T], builtins: Mapping[str, type[T]]) -> None:
        self.kind, self.group, self.base = kind, group, base
        self._builtins = dict(builtins)
        self._plugins: dict[str, metadata.EntryPoint] | None = None
        self._loaded: dict[str, type[T]] = {}

    def names(self) -> list[str]:
        """Every registered name: built-ins first, then installed plug-ins."""
        return [*self._builtins, *(n for n in self._entry_points() if n not in self._builtins)]

    def get(self, name: object, path: str) -> type[T]:
        """The class registered as `name` (or at a dotted path); ConfigError at `path` if none."""
        if isinstance(name, str):
            found = self._find(name, path)
            if found is not None:
                return found
        raise ConfigError(path, f"a {self.kind} type ({', '.join(self.names())})", describe(name))

    def bind(self, spec: PluginSpec, errors: list[ConfigError]) -> T | None:
        """An instance of the class `spec` names, with its options checked; problems (an unknown
        name, bad options) are appended to `errors`."""
        try:
            cls = self.get(spec.type, f"{spec.path}.type")
        except ConfigError as exc:
            errors.append(exc)
            return None
        return cls.bind(spec.type, spec.options, spec.path, errors)  # type: ignore[attr-defined]

    def _find(self, name: str, path: str) -> type[T] | None:
        if name in self._builtins:
            return self._builtins[name]
        if name in self._loaded:
            return self._loaded[name]
        entry = self._entry_points().get(name)
        if entry is not None:
            cls = self._load(lambda: entry.load(), name, f"entry point {entry.value!r}", path)
        elif "." in name:
            module, _, attr = name.rpartition(".")
            cls = self._load(lambda: getattr(importlib.import_module(module), attr), name,
                             f"class path {name!r}", path)
        else:
            return None
        self._loaded[name] = cls
        return cls

    def _load(self, load: object, name: str, origin: str, path: str) -> type[T]:
        try:
            cls = load()  # type: ignore[operator]
        except (ImportError, AttributeError) as exc:
            raise ConfigError(path, f"an importable {self.kind} class ({origin})",
                              f"{type(exc).__name__}: {exc}") from None
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise ConfigError(path, f"a subclass of {self.base.__module__}.{self.base.__name__} "
                                    f"({origin})", repr(cls))
        return cls

    def _entry_points(self) -> dict[str, metadata.EntryPoint]:
        if self._plugins is None:
            self._plugins = {ep.name: ep for ep in metadata.entry_points(group=self.group)}
        return self._plugins
