"""Help texts: both dialects, with examples."""

MAIN = """\
usage: prodi <command> [args]

prodi runs medallion pipelines (raw -> bronze -> silver -> gold) on Spark + Delta Lake,
driven by Hydra config (conf/ in this repo, packaged as pkg://prodi.conf).

commands:
  run-layer   run one layer (or print its plan in dry-run); see `prodi run-layer --help`
  validate    validate every layer x cloud x env combination, no JVM
  show        print the tables of a layer (e.g. `prodi show layer=gold`)
  version     print the prodi version

examples:
  prodi run-layer layer=silver cloud=azure env=prod
  prodi run-layer layer=bronze dry_run=true plan_format=json
  prodi run-layer raw -c cfg/raw/example.yml
  prodi run-layer --layer raw --config dbfs:/cfg/raw/aws.prod.yml
  prodi validate --envs prod
"""

RUN_LAYER = """\
usage: prodi run-layer [LAYER] [legacy flags] [hydra overrides and flags]
       run-layer ...            (the same app; the Databricks wheel-task entry point)

Hydra dialect (config groups layer, cloud, env, pipeline; any key=value of the tree):
  prodi run-layer layer=silver cloud=azure env=prod
  prodi run-layer layer=gold datasets=[daily_revenue] run.date=2026-01-03
  prodi run-layer layer=bronze dry_run=true plan_format=json     # the plan, as JSON
  prodi run-layer layer=raw --cfg job                            # composed config
  prodi run-layer layer=raw --cfg job --resolve                  # secrets checked, shown as ***
  prodi run-layer -m layer=bronze run.date=2026-01-01,2026-01-02 # a sweep, one Spark session
  overrides: key=value, +key=value (add), ~key (delete), hydra.*=... (Hydra settings)
  secret references in overrides need quoting: "+probe='<<secrets/scope/key>>'"

Legacy / Databricks dialect (one config file, merged over the tree, validated the same way):
  prodi run-layer raw -c cfg/raw/example.yml
  run-layer --layer raw --config dbfs:/cfg/raw/aws.prod.yml
  run-layer --layer=raw --config=dbfs:/cfg/raw/aws.prod.yml env=prod dry_run=true
  flags: --layer L, --config/-c FILE, --env E, --cloud C, --dry-run[=true|false],
         --run-date YYYY-MM-DD, --datasets a,b, --plan-format text|json (also as --flag=value)
  dbfs:/x is read from /dbfs/x (or $PRODI_DBFS_ROOT/x); /Volumes/... and plain paths as they are.
  Precedence: command line > config file > conf/ tree.

Dry-run (composes, validates and prints the plan; no JVM, no writes, no secrets fetched):
  dry_run: true in config, the override dry_run=true, --dry-run, or PRODI_FORCE_DRY_RUN=1
  (1/true/yes/on; 0/false/no/off/empty don't force; anything else is an error).

Exit codes: 0 success, 2 invalid config or command line, 1 a failed run.
"""
