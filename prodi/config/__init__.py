"""Configuration: typed schemas, composition, legacy dialects and validation. Imports no Spark."""
