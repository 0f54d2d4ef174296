"""The extension seams: a registry per kind (sources, steps, checks, sinks, stages, secret providers)
that maps the names used in YAML to classes, built-in or installed as plug-ins."""
