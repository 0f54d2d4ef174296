"""Errors a user can act on: where (file, key path), what was expected, what was found."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass
class ConfigError(Exception):
    """One invalid value in the configuration."""

    path: str
    expected: str
    got: str = ""
    source: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        where = f"{self.source}: " if self.source else ""
        got = f", got {self.got}" if self.got else ""
        return f"{where}{self.path or '<root>'}: expected {self.expected}{got}"

    def __str__(self) -> str:
        return self.render()


class ConfigErrors(Exception):
    """Every problem found in one validation pass, so a user fixes them all at once."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = errors
        super().__init__(self.render())

    def render(self) -> str:
        if len(self.errors) == 1:
            return f"Invalid configuration: {self.errors[0].render()}"
        lines = "\n".join(f"  - {e.render()}" for e in self.errors)
        return f"Invalid configuration ({len(self.errors)} problems):\n{lines}"

    def __str__(self) -> str:
        return self.render()


def unknown_key(path: str, key: str, known: Iterable[str], prefix: str = "", suffix: str = ""
                ) -> ConfigError:
    """`key` at `path` is not one of `known`: the error names the nearest known keys (each as
    `prefix` + key + `suffix`, e.g. the full path a command line needs) and lists them all."""
    known = sorted(set(known))
    near = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(prefix + k + suffix for k in near)}? " if near else ""
    return ConfigError(path, f"a known key ({hint}known: {', '.join(known) or 'none'})",
                       f"unknown key {key!r}")


def describe(value: object) -> str:
    """A short, quoted rendering of a config value for error messages."""
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "null"
    return f"{value!r} ({type(value).__name__})"


class DataError(Exception):
    """Delivered data, not the config or the code, stopped the run: it names the dataset, the
    file and the row or rule, and re-running fails the same way until the data (or the policy
    that judged it) changes."""


class WriteConflictError(Exception):
    """A write lost a Delta conflict to a concurrent run and was not (or no more) redone: the
    message names the table, the commit that won (operation, run, version) and what to do;
    nothing of the item was committed."""


class SourceError(Exception):
    """A system outside the lakehouse could not be read (a database, an API, another table):
    unreachable, refused, or missing what the source names. The message names the dataset, the
    source's key path and the system, without credentials; nothing was committed, so a re-run
    after the cause is fixed reads the same rows."""
