"""Deployment artefacts generated from the config tree: Databricks job settings and bundles.

This package reads `prodi.config` only: generating a job composes and validates the config
(no JVM, no Spark, no runners), so an invalid cloud or env fails the same way a run would.
"""
