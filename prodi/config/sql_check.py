"""Static parsing of Spark SQL and column expressions, so typos fail before any JVM starts."""

from __future__ import annotations

import sqlglot
from sqlglot.errors import ParseError, TokenError


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
