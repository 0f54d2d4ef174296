"""Layer runners: raw, bronze, silver and gold, each a function over one dataset or mart."""
