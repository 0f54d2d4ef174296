"""What every benchmark's report shares: the machine it ran on, and its section of
docs/benchmarks.md (replaced in place, the other sections kept)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} " \
           f"{platform.release()}, Python {platform.python_version()}"


def write_section(report: Path, section: str) -> None:
    """Replace this benchmark's section in the report, keeping the others."""
    title = section.splitlines()[0]
    text = report.read_text() if report.exists() else "# Benchmarks\n\n"
    if title in text:
        start = text.index(title)
        nxt = text.find("\n## ", start + len(title))
        text = text[:start] + section.rstrip("\n") + "\n" + (text[nxt:] if nxt != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text)
