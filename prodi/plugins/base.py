"""What every registered class shares: typed options checked with no JVM, and a plan text."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

from prodi.model.errors import ConfigError
from prodi.model.tree import join
from prodi.model.typed import build

P = TypeVar("P", bound="Plugin")


class Plugin:
    """A source, step, check, sink or stage. Subclasses set `Options` to a frozen dataclass of
    their YAML options (None: they take none) and import Spark only inside the methods that run."""

    Options: ClassVar[type | None] = None

    def __init__(self, options: Any, *, name: str, path: str) -> None:
        self.options = options
        self.name = name  # the registered name it was used by
        self.path = path  # where it was written, for error messages

    @classmethod
    def bind(cls: type[P], name: str, options: Mapping[str, Any], path: str,
             errors: list[ConfigError]) -> P | None:
        """An instance for `options` written at `path`; problems are appended to `errors`."""
        if cls.Options is None:
            errors += [ConfigError(join(path, str(k)), f"no options ({name} takes none)", "unknown key")
                       for k in options]
            return None if options else cls(None, name=name, path=path)
        before = len(errors)
        typed = build(cls.Options, dict(options), path, errors)
        if len(errors) > before or typed is None:
            return None
        return cls(typed, name=name, path=path)

    def resolved(self: P, resolve: Callable[[Any, str], Any]) -> P:
        """A copy whose options have every secret reference replaced by its value, for the
        moment it runs; `resolve(tree, key path)` records each value for masking."""
        if self.options is None:
            return self
        errors: list[ConfigError] = []
        data = resolve(dataclasses.asdict(self.options), self.path)
        options = build(type(self.options), data, self.path, errors)
        assert not errors, errors  # the same shape that was validated, with text substituted
        return type(self)(options, name=self.name, path=self.path)

    def describe(self) -> str:
        """One line for the dry-run plan."""
        return self.name
