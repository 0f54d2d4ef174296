"""Help texts: both dialects, with examples."""

MAIN = """\
usage: prodi <command> [args]

prodi runs medallion pipelines (raw -> bronze -> silver -> gold) on Spark + Delta Lake,
driven by Hydra config (conf/ in this repo, packaged as pkg://prodi.conf).

commands:
  run-layer   run a layer, or a chain of layers (or print the plan in dry-run); see --help
  backfill    run a date range over layers in one Spark session; see `prodi backfill --help`
  validate    validate every layer x cloud x env combination, no JVM
  show        print the tables of a layer (e.g. `prodi show layer=gold`)
  maintain    OPTIMIZE (Z-order or clustering), VACUUM, table properties; see --help
  databricks  generate the Databricks job JSON / asset bundle; see `prodi databricks job --help`
  runs        recent runs from the run ledger; `prodi runs show <id>` gives one in full
  report      write report.html: last runs, row flow, data-quality trends, freshness, lineage
  doctor      prodi doctor layer=<layer> [overrides]: checks every table of a layer: readable,
              not half-created or corrupt, last commit by prodi, orphan files to vacuum
  init        prodi init <dir>: a project of your own (config, sample data, tests, Makefile)
  version     print the prodi version

examples:
  prodi run-layer layer=silver cloud=azure env=prod
  prodi run-layer layer=raw,bronze,silver,gold
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
  prodi run-layer layer=raw,bronze,silver,gold                   # a chain, one Spark session
  prodi run-layer layer=raw,bronze,silver,gold run.show=true     # ... then print gold's tables
  prodi run-layer layer=silver run.full_refresh=true             # rebuild from all of bronze
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

Chain (`layer=a,b,...` without -m): the layers in dependency order in one Spark session; a
failed layer holds back the layers above it; a summary and the command that resumes it.

Incremental: each layer reads only what is new upstream since its own last successful run
(raw: files not in its ledger; bronze/silver: upstream partitions changed since the versions
its last commit recorded; marts: rebuilt when an input has a new version). Nothing new: nothing
is read or written. run.full_refresh=true reads everything in scope again.

Missing input: an upstream layer that never ran, or a landing folder that doesn't exist, fails
the run (exit 1), naming the dataset, the path and the command that creates it;
run.allow_missing_upstream=true skips such items with a warning (a fresh environment). An input
with nothing new is not missing. See docs/missing-input.md.

Hydra's record of a run (.hydra/, multirun.yaml) goes to <storage root>/_prodi/hydra (dry-runs
and remote roots: ~/.cache/prodi/hydra), never the current directory; PRODI_HYDRA_DIR or
hydra.run.dir=... put it elsewhere.

Backfill (a date range as one sweep in one Spark session; see `prodi backfill --help`):
  prodi run-layer --layer silver --from 2026-01-01 --to 2026-01-07
  run-layer --layers=raw,bronze,silver,gold --from=2026-01-01 --to=2026-01-07   (task parameters)

Exit codes: 0 success, 2 invalid config or command line, 1 a failed run, 3 the run succeeded
but the run ledger (<storage root>/_prodi) could not be written (see docs/observability.md),
130/143 interrupted by SIGINT (Ctrl-C)/SIGTERM.

Signals: SIGINT or SIGTERM cancels Spark's jobs and stops the run at its next safe point: a write
under way is either cancelled before its commit or committed (and then its dataset finishes);
the one line printed says which, as the Delta log has it, and a backfill or chain prints the
command that resumes it. The run ledger records the run as interrupted. A second signal exits
at once.
"""

BACKFILL = """\
usage: prodi backfill (--from YYYY-MM-DD --to YYYY-MM-DD | --dates D1,D2,...)
                      (--layers L1,L2,... | layer=L) [--fail-fast] [overrides...]

Runs every date of each layer as one Hydra multirun in one Spark session, layer by layer in
dependency order (raw, bronze, silver: all dates of a layer, then the next layer; gold once at
the end, since marts are rebuilt whole from silver). A failing date holds back only that date in
later layers; the others go on unless --fail-fast. At the end: a summary table (date, layer,
status, rows in/out, seconds) and, if anything failed, the exact command that re-runs only the
failed dates. Exit 1 if any job failed.

Each date replaces only its own partition (bronze: replaceWhere on _landed_date; silver: MERGE of
that date's rows; raw: only files not ingested yet), so re-running a date is idempotent, and a
date with nothing new upstream since its last run is skipped as up to date.

examples:
  prodi backfill --layers bronze,silver --from 2026-01-01 --to 2026-01-07
  prodi backfill layer=raw --dates 2026-01-03,2026-01-05 env=prod
  prodi run-layer -m layer=bronze run.date=2026-01-01,2026-01-02,2026-01-03   (plain Hydra sweep)
"""


MAINTAIN = """\
usage: prodi maintain layer=LAYER [cloud=..] [env=..] [datasets=[..]] [dry_run=true] [overrides]
       prodi-maintain ...       (the same command; the Databricks wheel-task entry point)

For every table of the layer (each dataset's, or each mart for gold), in this order:
  ALTER TABLE ... SET TBLPROPERTIES    the item's maintenance.properties (delta.* keys)
  ALTER TABLE ... CLUSTER BY (...)     maintenance.cluster_by: liquid clustering (unpartitioned)
  OPTIMIZE ... [ZORDER BY (...)]       maintenance.zorder_by, else a plain compaction
  VACUUM ... RETAIN N HOURS            env.maintenance.vacuum_retention_hours (>= 168 unless
                                       env.maintenance.force_retention: true)
and OPTIMIZE + VACUUM on its quarantine table. A table that doesn't exist yet is skipped; a
table that fails is reported with its cause, the others go on, and the exit code is 1.

examples:
  prodi maintain layer=silver
  prodi maintain layer=gold cloud=aws env=prod dry_run=true          # the SQL, no JVM
  prodi maintain layer=silver datasets=[orders] plan_format=json dry_run=true
  prodi maintain layer=silver,gold                                   # both layers
  prodi maintain --layer silver --config dbfs:/cfg/silver/aws.prod.yml   (legacy dialect)
See docs/maintenance.md.
"""


RUNS = """\
usage: prodi runs [--limit N] [--json] [cloud=..] [env=..] [overrides]
       prodi runs show RUN_ID [--json] [cloud=..] [env=..]

Reads the run ledger, <cloud.storage.root>/_prodi/runs and _prodi/dataset_runs: one row per
layer run, chain, sweep and backfill (layer runs name their parent), and one per dataset run
with every conservation term, the Delta version written and the rules that failed rows.
`prodi runs` lists the newest runs first (default 20); `show` takes a run id or a unique
prefix of one and prints the run in full, its layer runs and their datasets. Both start a local
Spark session on the env's settings (the ledger is Delta).

examples:
  prodi runs
  prodi runs --limit 5 --json env=prod cloud=aws
  prodi runs show 20260103T020000Z-1a2b3c4d
See docs/observability.md.
"""

REPORT = """\
usage: prodi report [--output report.html] [--runs N] [cloud=..] [env=..] [overrides]

Writes one self-contained HTML file (no network needed to view it): the latest run of each
layer, the row flow per dataset (read -> written, quarantined, dropped, superseded),
data-quality failures per rule over the last N layer runs (default 20) as small bar charts,
freshness (each dataset's last successful run), and the lineage graph of the composed config
(sources -> datasets per layer -> marts, mart inputs from their SQL), laid out by Graphviz
(`dot` must be installed: apt-get install graphviz).

examples:
  prodi report
  prodi report --output /tmp/prod.html --runs 50 env=prod cloud=azure
See docs/observability.md.
"""


DOCTOR = """\
usage: prodi doctor layer=<layer> [cloud=..] [env=..] [overrides]

Checks every table of a layer: readable, not half-created or corrupt, last commit by prodi,
orphan files to vacuum. Exit 0 when every table is healthy, non-zero otherwise.

examples:
  prodi doctor layer=silver
  prodi doctor layer=gold env=prod cloud=aws
"""


INIT = """\
usage: prodi init <dir> [--name NAME]

Creates a project of your own in <dir> (new or empty; anything else is refused, exit 2):
  conf/pipeline/NAME.yaml     one dataset (raw, bronze, silver) and one mart, every key explained
  conf/env/NAME_dev.yaml      your dev settings over prodi's dev env
  conf/cloud/NAME_azure.yaml  your storage over prodi's azure cloud
  data/landing/               a sample delivery, one bad row included
  tests/                      a test of each layer with prodi's test kit (pytest plugin)
  Makefile, pytest.ini, README.md
NAME defaults to the folder's name (as an identifier). Then, in <dir>:
  make demo    the sample through raw -> bronze -> silver -> gold, gold shown
  make test    the tests (pip install "prodi[spark,testing]" first)
  prodi run-layer --config-dir conf pipeline=NAME env=NAME_dev layer=silver
See docs/user-project.md.
"""
