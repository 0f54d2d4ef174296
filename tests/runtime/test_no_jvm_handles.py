"""Spark Connect has no JVM in the Python process: only `prodi.runtime.classic` may reach for one
(Py4J handles, the SparkContext), so every other module runs on Connect too."""

from __future__ import annotations

import ast
from pathlib import Path

import prodi

HANDLES = frozenset({"_jvm", "_jsc", "_gateway", "sparkContext"})
ALLOWED = Path("runtime/classic.py")
PACKAGE = Path(prodi.__file__).parent


def jvm_handles(source: str) -> list[tuple[int, str]]:
    """(line, name) of each use of a JVM handle in `source`: an attribute (`spark._jsc`), a name,
    or the string of a `getattr`/`hasattr` (`getattr(sc, "_jvm")`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in HANDLES:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.Name) and node.id in HANDLES:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Constant) and node.value in HANDLES:
            found.append((node.lineno, node.value))
    return sorted(found)


def test_only_the_classic_module_touches_the_jvm() -> None:
    uses = [f"prodi/{path.relative_to(PACKAGE)}:{line}: {name}"
            for path in sorted(PACKAGE.rglob("*.py")) if path.relative_to(PACKAGE) != ALLOWED
            for line, name in jvm_handles(path.read_text(encoding="utf-8"))]
    assert not uses, "JVM handles outside prodi/runtime/classic.py (use its classic_jvm(spark)):\n" \
        + "\n".join(uses)


def test_the_classic_module_is_where_they_are() -> None:
    """The allowed module exists and is scanned like the others (a rename would hide nothing)."""
    assert jvm_handles((PACKAGE / ALLOWED).read_text(encoding="utf-8"))


def test_every_spelling_of_a_handle_is_found() -> None:
    source = ("a = spark.sparkContext._jsc.hadoopConfiguration()\n"
              "from pyspark import SparkContext\n"
              "b = getattr(context, '_jvm', None)\n"
              "_gateway = None\n"
              "c = spark.conf.get('spark.app.name')  # no handle\n"
              "d = 'py4j.java_gateway'\n")
    assert jvm_handles(source) == [(1, "_jsc"), (1, "sparkContext"), (3, "_jvm"), (4, "_gateway")]
