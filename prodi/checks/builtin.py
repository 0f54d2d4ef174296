"""Built-in checks: a free SQL predicate, and not-null over columns."""

from __future__ import annotations

from dataclasses import dataclass

from prodi.checks.base import Check


@dataclass(frozen=True)
class Expression:
    expr: str


class Expr(Check):
    """`{name, expr: "<Spark SQL predicate>", action}`: the row is valid where it is true."""

    Options = Expression

    def predicate(self) -> str:
        return self.options.expr

    def error_path(self) -> str:
        return f"{self.path}.expr"


@dataclass(frozen=True)
class ColumnNames:
    columns: tuple[str, ...]


class NotNull(Check):
    """`{name, type: not_null, columns: [...]}`: every listed column has a value."""

    Options = ColumnNames

    def predicate(self) -> str:
        return " AND ".join(f"`{c}` IS NOT NULL" for c in self.options.columns)

    def error_path(self) -> str:
        return f"{self.path}.columns"
