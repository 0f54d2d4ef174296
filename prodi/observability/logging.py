"""loguru owns every log line: text for people by default, JSON when asked, secrets masked."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from typing import Any, TextIO

from loguru import logger

Redact = Callable[[str], str]
_TEXT_FORMAT = (
    "<green>{time:YYYY-MM-DD HH:mm:ss.SSS}</green> | <level>{level: <7}</level> | "
    "<cyan>{extra[component]}</cyan> | {message}"
)
_ROUTED_LOGGERS = ("py4j", "py4j.java_gateway", "py4j.clientserver", "hydra", "pyspark", "delta")


class InterceptHandler(logging.Handler):
    """Send stdlib logging records (Hydra, py4j, pyspark) to loguru."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        logger.bind(component=record.name).opt(exception=record.exc_info).log(
            level, record.getMessage())


def _json_sink(stream: TextIO, redact: Redact) -> Callable[[Any], None]:
    def write(message: Any) -> None:
        r = message.record
        payload = {
            "time": r["time"].isoformat(),
            "level": r["level"].name,
            "component": r["extra"].get("component", "prodi"),
            "message": redact(r["message"]),
            **{k: v for k, v in r["extra"].items() if k != "component"},
        }
        if r["exception"] is not None:
            payload["exception"] = redact("".join(_format_exception(r["exception"])))
        stream.write(redact(json.dumps(payload, default=str)) + "\n")
        stream.flush()

    return write


def _format_exception(exc: Any) -> list[str]:
    import traceback

    return traceback.format_exception(exc.type, exc.value, exc.traceback)


def _text_sink(stream: TextIO, redact: Redact) -> Callable[[Any], None]:
    def write(message: Any) -> None:
        stream.write(redact(str(message)))
        stream.flush()

    return write


def configure_logging(level: str = "INFO", fmt: str = "text", file: str | None = None,
                      redact: Redact | None = None, stream: TextIO | None = None) -> None:
    """Install prodi's sinks (replacing any), route stdlib loggers in, mask secrets in every line."""
    redact = redact or (lambda text: text)
    stream = stream or sys.stderr
    logger.remove()
    logger.configure(extra={"component": "prodi"})
    colorize = fmt == "text" and stream.isatty()
    if fmt == "json":
        logger.add(_json_sink(stream, redact), level=level, format="{message}")
    else:
        logger.add(_text_sink(stream, redact), level=level, format=_TEXT_FORMAT, colorize=colorize)
    if file:
        sink = _json_sink(open(file, "a", encoding="utf-8"), redact) if fmt == "json" else \
            _text_sink(open(file, "a", encoding="utf-8"), redact)
        logger.add(sink, level=level, format=_TEXT_FORMAT, colorize=False)
    logging.basicConfig(handlers=[InterceptHandler()], level=logging.WARNING, force=True)
    for name in _ROUTED_LOGGERS:
        routed = logging.getLogger(name)
        routed.handlers = [InterceptHandler()]
        routed.propagate = False
        routed.setLevel(logging.WARNING if name.startswith("py4j") else logging.INFO)
