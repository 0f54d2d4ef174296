"""Logging (loguru, with stdlib/Hydra/py4j routed in), redaction and run summaries."""
