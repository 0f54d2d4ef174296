"""Static parsing of Spark SQL and column expressions, so typos fail before any JVM starts."""

from __future__ import annotations

from collections.abc import Iterable

import sqlglot
from sqlglot.errors import ParseError, TokenError

from prodi.model.errors import ConfigError


def sql_problem(text: str, *, expression: bool) -> str | None:
    """None when `text` parses as Spark SQL (a query, or a column expression), else the reason."""
    if not text or not text.strip():
        return "an empty string"
    source = f"SELECT {text}" if expression else text
    try:
        parsed = sqlglot.parse(source, read="spark")
    except (ParseError, TokenError) as exc:
        first = str(exc).splitlines()[0]
        return f"a parse error: {first}"
    statements = [p for p in parsed if p is not None]
    if expression:
        if len(statements) != 1 or len(statements[0].expressions) != 1:
            return "more than one expression"
        return None
    if len(statements) != 1:
        return f"{len(statements)} statements (one query expected)"
    if not isinstance(statements[0], sqlglot.exp.Query):
        return f"a {statements[0].key.upper()} statement (a SELECT query expected)"
    return None


def referenced_tables(query: str) -> set[str]:
    """The table names a query reads, CTE names excluded."""
    tree = sqlglot.parse_one(query, read="spark")
    ctes = {c.alias_or_name for c in tree.find_all(sqlglot.exp.CTE)}
    return {t.name for t in tree.find_all(sqlglot.exp.Table) if t.name not in ctes}


def referenced_columns(expression: str) -> set[str]:
    """The unqualified column names a column expression reads."""
    tree = sqlglot.parse_one(f"SELECT {expression}", read="spark")
    return {c.name for c in tree.find_all(sqlglot.exp.Column) if not c.table}


def unknown_column(path: str, column: str, known: Iterable[str]) -> ConfigError:
    return ConfigError(path, f"a column of the dataset ({', '.join(known)})", repr(column))


def expression_errors(path: str, expression: str, columns: list[str] | None) -> list[ConfigError]:
    """A Spark SQL expression that doesn't parse, or reads columns that don't exist (when known)."""
    problem = sql_problem(expression, expression=True)
    if problem:
        return [ConfigError(path, "a Spark SQL expression", f"{expression!r}: {problem}")]
    if columns is None:
        return []
    return [unknown_column(path, c, columns) for c in sorted(referenced_columns(expression))
            if c not in columns]


def quoted_literal(value: str) -> str:
    """A Spark SQL string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
