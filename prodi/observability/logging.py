"""loguru owns every log line: text for people by default, JSON when asked, secrets masked."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from collections.abc import Callable
from typing import Any, TextIO

from loguru import logger

Redact = Callable[[str], str]
_TEXT_FORMAT = (
    "<green>{time:YYYY-MM-DD HH:mm:ss.SSS}</green> | <level>{level: <7}</level> | "
    "<cyan>{extra[component]}</cyan> | {message}"
)
CONTEXT_KEYS = ("run_id", "layer", "dataset")  # bound where runs and items run
_ROUTED_LOGGERS = ("py4j", "py4j.java_gateway", "py4j.clientserver", "hydra", "pyspark", "delta")


class InterceptHandler(logging.Handler):
    """Send stdlib logging records (Hydra, py4j, pyspark) to loguru."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        routed = logger.bind(component=record.name)
        if record.exc_info and record.name.startswith("py4j"):
            # Py4J's traces are about the gateway (a signal, the JVM going away); what they mean
            # reaches the user through prodi's own message, the trace only at DEBUG.
            routed.log(level, record.getMessage())
            routed.opt(exception=record.exc_info).debug("Py4J's trace of that")
            return
        routed.opt(exception=record.exc_info).log(level, record.getMessage())


class _RedactingSink:
    """A loguru sink that masks secrets in everything it writes, as text or as JSON lines."""

    def __init__(self, stream: TextIO, redact: Redact, as_json: bool, owned: bool) -> None:
        self.stream, self.redact, self.as_json, self.owned = stream, redact, as_json, owned

    def write(self, message: Any) -> None:
        text = self._json(message.record) if self.as_json else str(message)
        self.stream.write(self.redact(text))
        self.stream.flush()

    def stop(self) -> None:
        if self.owned:
            self.stream.close()

    @staticmethod
    def _json(r: dict) -> str:
        payload = {
            "time": r["time"].isoformat(),
            "level": r["level"].name,
            "component": r["extra"].get("component", "prodi"),
            "message": r["message"],
            **{k: v for k, v in r["extra"].items() if k != "component"},
        }
        if r["exception"] is not None:
            exc = r["exception"]
            payload["exception"] = "".join(
                traceback.format_exception(exc.type, exc.value, exc.traceback))
        return json.dumps(payload, default=str) + "\n"


def configure_logging(level: str = "INFO", fmt: str = "text", file: str | None = None,
                      redact: Redact | None = None, stream: TextIO | None = None) -> None:
    """Install prodi's sinks (replacing any), route stdlib loggers in, mask secrets in every line."""
    redact = redact or (lambda text: text)
    stream = stream or sys.stderr
    as_json = fmt == "json"
    logger.remove()
    # Every line carries these keys (null outside a run or an item), so JSON lines share a shape.
    logger.configure(extra={"component": "prodi", **dict.fromkeys(CONTEXT_KEYS)})
    options = {"level": level, "format": "{message}" if as_json else _TEXT_FORMAT,
               "diagnose": False}
    logger.add(_RedactingSink(stream, redact, as_json, owned=False),
               colorize=not as_json and stream.isatty(), **options)
    if file:
        sink = _RedactingSink(open(file, "a", encoding="utf-8"), redact, as_json, owned=True)
        logger.add(sink, colorize=False, **options)
    logging.basicConfig(handlers=[InterceptHandler()], level=logging.WARNING, force=True)
    for name in _ROUTED_LOGGERS:
        routed = logging.getLogger(name)
        routed.handlers = [InterceptHandler()]
        routed.propagate = False
        routed.setLevel(logging.WARNING if name.startswith("py4j") else logging.INFO)
