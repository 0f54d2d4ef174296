"""The Spark + Delta session: local, offline-jar, or the cluster's own on Databricks."""
