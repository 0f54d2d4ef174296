"""prodi: config-driven medallion pipelines on Spark + Delta Lake, composed with Hydra."""

__version__ = "0.2.0"
