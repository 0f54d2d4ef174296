"""Compose, validate and dispatch a run: the Hydra app, dry-run plans, validation sweeps."""
