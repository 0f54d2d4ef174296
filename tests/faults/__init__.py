"""Fault injection: concurrent runs, kills, signals and storage faults against a serial baseline."""
