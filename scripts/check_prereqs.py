"""Check what `make demo` / `make test` need before creating the virtualenv: Python 3.10+ and Java 17+."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys


def java_major() -> int | None:
    java = shutil.which("java")
    if java is None:
        return None
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2)) if major == 1 and m.group(2) else major


def main() -> int:
    problems = []
    if sys.version_info < (3, 10):
        problems.append(f"Python 3.10+ is needed, this is {sys.version.split()[0]} ({sys.executable}).")
    major = java_major()
    if major is None:
        problems.append("Java 17+ is needed for Spark and no `java` was found on PATH "
                        "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless).")
    elif major < 17:
        problems.append(f"Java 17+ is needed for Spark, found Java {major}.")
    for p in problems:
        print(f"prodi: missing prerequisite: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
