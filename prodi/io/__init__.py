"""Sources (landed files, Delta tables) and sinks (Delta append, overwrite, partition replace, MERGE)."""
