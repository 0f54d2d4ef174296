"""The `prodi` and `run-layer` commands. Nothing imports this package."""
