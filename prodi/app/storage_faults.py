"""A full disk, a read-only folder or a missing permission, found under a Spark error.

Spark reports them as a generic `TASK_WRITE_FAILED` (or a Delta commit error) whose cause, a few
exceptions down the Java chain, is the operating system's own words. Those words, the path and
what the run was doing make the message; the JVM trace goes to DEBUG.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_MKDIRS = "Mkdirs failed to create"
# (text in a message of the chain, the cause as the operating system says it, what to do). The
# first that matches, innermost message first, names the cause.
_CAUSES = (
    ("No space left on device", "No space left on device",
     "free space on that file system (or move the lakehouse to a bigger one)"),
    ("Disk quota exceeded", "Disk quota exceeded", "raise the quota or free space"),
    ("Read-only file system", "Read-only file system",
     "mount that file system read-write (or point cloud.storage.root elsewhere)"),
    ("Permission denied", "Permission denied",
     "give the user running prodi read and write access to that folder"),
    ("AccessDeniedException", "Permission denied",
     "give the user running prodi read and write access to that folder"),
    ("Operation not permitted", "Operation not permitted",
     "give the user running prodi read and write access to that folder"),
    # Hadoop's local file system says only this when it can't create a folder (`_probe` asks
    # the operating system why, when the folder is local).
    (_MKDIRS, "could not create a folder (Permission denied, or a "
     "read-only file system)", "give the user running prodi write access to that folder"),
)
_PATH = re.compile(r"(?:file:)?(/[^\s:;,()'\"\]]+)")
_CLASS = re.compile(r"^(?:Caused by: )?([\w.$]+(?:Exception|Error))(?::\s*(.*))?$")


@dataclass(frozen=True)
class StorageFault:
    cause: str  # in the operating system's words: "No space left on device"
    path: str | None  # the file or folder it names, if any
    writing: bool  # whether the failing operation wrote (else it read)
    advice: str


class StorageFaultError(Exception):
    """A run failed on its storage: the cause, the path, what it was doing, what to do."""

    def __init__(self, fault: StorageFault, doing: str) -> None:
        super().__init__(fault.cause)
        self.fault, self.doing = fault, doing

    def __str__(self) -> str:
        f = self.fault
        where = f" ({f.path})" if f.path and f.path not in self.doing else ""
        return (f"Storage failure {self.doing}: {f.cause}{where}. Fix it and run the same command "
                f"again: {f.advice}. Tables keep their last committed version, and a re-run "
                "writes only what is missing (the JVM trace: log.level=DEBUG)")


def classify(messages: list[str]) -> StorageFault | None:
    """The storage fault in an exception chain's messages (outermost first), or None."""
    for message in reversed(messages):
        for text, cause, advice in _CAUSES:
            if text in message:
                path = _path(message, messages)
                if text == _MKDIRS:
                    cause, advice = _probe(path) or (cause, advice)
                return StorageFault(cause, path, _writing(messages), advice)
    return None


def _probe(path: str | None) -> tuple[str, str] | None:
    """Why a local folder can't be created under `path`'s nearest existing folder, in the words
    of the other causes; None when it can't tell (not local, or nothing wrong now)."""
    if path is None:
        return None
    folder = Path(path)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return None
    for text, cause, advice in _CAUSES:
        if (text == "Read-only file system" and read_only) or (
                text == "Permission denied" and not _writable(folder)):
            return cause, advice
    return None


def _writable(folder: Path) -> bool:
    # As the process's effective user and capabilities: root without its permission override
    # (setpriv, a container) is refused like anyone else.
    effective = os.access in os.supports_effective_ids
    return os.access(folder, os.W_OK | os.X_OK, effective_ids=effective)


def doing(fault: StorageFault, layer: str, name: str, target: str) -> str:
    """What the run was doing when `fault` happened, e.g. "writing silver table /x/silver/y"."""
    verb = "writing" if fault.writing else "reading"
    if fault.path is None or fault.path.startswith(target.removeprefix("file:")):
        return f"{verb} {layer} table {target}"
    return f"{verb} {fault.path.rsplit('/', 1)[0]} (in {layer}/{name})"


def chain_messages(exc: BaseException) -> list[str]:
    """Every message of `exc`'s chain, outermost first: Python's causes and contexts, the Java
    exceptions behind a Py4J error (through the live JVM when there is one), and the `Caused by:`
    lines of a JVM trace."""
    messages: list[str] = []
    for error in _python_chain(exc):
        messages.append(f"{type(error).__name__}: {_text(error)}")
        messages += _java_chain(error)
        for trace in (getattr(error, "stackTrace", None), _text(error)):
            if isinstance(trace, str):
                messages += [line.strip() for line in trace.splitlines()
                             if line.strip().startswith("Caused by:")]
    return messages


def _python_chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and its causes; not its context: an error raised while handling another (a ledger
    write after a failed run) is not caused by it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__


def _java_chain(error: BaseException) -> list[str]:
    """`Class: message` of each Java throwable behind a Py4J error, outermost first."""
    java = getattr(error, "java_exception", None) or getattr(error, "_origin", None)
    found: list[str] = []
    try:
        while java is not None and len(found) < 20:
            found.append(str(java.toString()))
            java = java.getCause()
    except Exception:  # noqa: BLE001 - the JVM is gone: the trace's text still tells
        pass
    return found


def _text(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:  # noqa: BLE001 - a Py4J error renders through the JVM, which may be gone
        return repr(error.args)


def _path(message: str, messages: list[str]) -> str | None:
    """The path the failing message names; else the innermost one of the chain."""
    for text in (message, *reversed(messages)):
        first = text.split("\n", 1)[0]
        match = _CLASS.match(first.strip())
        body = match.group(2) or "" if match else first
        paths = [p.rstrip(".") for p in _PATH.findall(body)]
        if paths:
            return paths[0]
    return None


def _writing(messages: list[str]) -> bool:
    text = " ".join(m.split("\n", 1)[0] for m in messages).lower()
    return any(word in text for word in ("writ", "mkdirs", "create", "commit", "save", "rename"))
