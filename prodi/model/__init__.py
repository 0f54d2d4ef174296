"""The configuration model: typed specs, table layout, run dates, SQL analysis. No Hydra, no Spark."""
