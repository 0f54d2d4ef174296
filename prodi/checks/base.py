"""A check: a valid-row predicate in Spark SQL. NULL counts as a failure."""

from __future__ import annotations

from dataclasses import dataclass

from prodi.model.errors import ConfigError
from prodi.model.sql import expression_errors, referenced_columns
from prodi.plugins.base import Plugin


class Check(Plugin):
    """Subclasses return the predicate; validation and evaluation are shared."""

    def predicate(self) -> str:
        raise NotImplementedError

    def validate(self, columns: list[str] | None) -> list[ConfigError]:
        """The predicate parses and reads only known columns (when they are known)."""
        return expression_errors(self.error_path(), self.predicate(), columns)

    def error_path(self) -> str:
        return self.path

    def columns_read(self) -> set[str]:
        return referenced_columns(self.predicate())


@dataclass(frozen=True)
class Rule:
    """An expectation ready to evaluate: its name, valid-row predicate and action."""

    name: str
    predicate: str
    action: str  # warn | drop | quarantine | fail

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the predicate reads (recorded with each failure)."""
        return tuple(sorted(referenced_columns(self.predicate)))
