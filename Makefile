# Two commands matter: `make demo` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LAKEHOUSE ?= $(CURDIR)/lakehouse
DEMO_ARGS ?=
# Test processes, each with its own local Spark: most of a Spark test's time is spent waiting (a
# JVM starting, Delta's log, a subprocess), so two share two cores well. Files go to workers in
# collection order (tests/conftest.py puts the long ones first), not by their number of tests.
TEST_WORKERS ?= 2

.PHONY: demo test install install-dev prereqs lint wheel bench clean jars postgres graphviz chromium

prereqs:
	@$(PYTHON) scripts/check_prereqs.py

$(BIN)/activate: | prereqs
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# prodi with its `spark` extra: pyspark and delta-spark (a Databricks runtime brings its own).
$(VENV)/.installed: pyproject.toml $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[spark]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The whole chain in one Spark session (one JVM), then the gold tables from that session.
demo: install graphviz
	$(BIN)/python scripts/generate_demo_data.py "$(LAKEHOUSE)/landing"
	PRODI_LAKEHOUSE="$(LAKEHOUSE)" $(BIN)/prodi run-layer layer=raw,bronze,silver,gold run.show=true $(DEMO_ARGS)

lint: install-dev
	$(BIN)/ruff check prodi tests scripts
	$(BIN)/lint-imports

# System packages come from Debian when this runs as root; apt's package lists are updated at
# most once per make run (the first target that installs something does it).
APT_UPDATED := $(shell mktemp -u /tmp/prodi-apt-updated.XXXXXX)
APT_UPDATE = { [ -e $(APT_UPDATED) ] || { apt-get update -qq && touch $(APT_UPDATED); }; }

# $(call debian_package,COMMAND,PACKAGE,WHAT HAPPENS WITHOUT IT): PACKAGE unless COMMAND is there.
define debian_package
	@if command -v $(1) >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  $(APT_UPDATE) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(2) >/dev/null; \
	else echo "No $(1) here and not root to install Debian's $(2): $(3)"; fi
endef

# The JDBC tests start a throwaway PostgreSQL server. A clean CI machine gets Debian's when this
# runs as root; elsewhere without one those tests are skipped, saying why.
postgres:
	@if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  $(APT_UPDATE) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	else echo "No PostgreSQL server here and not root: the JDBC tests against PostgreSQL will be skipped"; fi

# `prodi report` lays out its lineage graph with Graphviz's dot.
graphviz:
	$(call debian_package,dot,graphviz,prodi report lists the lineage's edges instead of drawing them (install graphviz))

# The report's render test opens it in headless Chromium.
chromium:
	$(call debian_package,/usr/bin/chromium,chromium,the test that renders the report in headless Chromium is skipped)

test: install-dev lint postgres graphviz chromium
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/smoke_prod.sh
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

wheel: install-dev
	$(BIN)/pip install --quiet "poetry>=2,<3"
	$(BIN)/poetry build -f wheel

# Benchmarks (not tests): results and plots go to docs/benchmarks.md and docs/bench/.
bench: install-dev
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(BIN)/python scripts/bench/no_jvm_paths.py
	$(BIN)/python scripts/bench/spark_jobs.py
	$(BIN)/python scripts/bench/chain_vs_hand_written.py
	$(BIN)/python scripts/bench/backfill_vs_invocations.py
	$(BIN)/python scripts/bench/signal_latency.py

clean:
	rm -rf $(VENV) dist lakehouse outputs multirun .pytest_cache

# Offline machines: fetch the Delta jars and the JDBC drivers once with Maven, then
# PRODI_JARS_DIR=.jars make demo (other drivers: prodi/runtime/jars.py, JDBC_DRIVERS). The Delta
# jars are those of the venv's delta-spark for its pyspark (Spark 3.5 or 4.x; see
# docs/run/spark-versions.md), as a local session asks for them.
DELTA_JARS = $(BIN)/python -c 'from prodi.runtime.jars import installed_delta_artifacts as a; print(" ".join(":".join(x) for x in a()))'
jars: install
	@set -e; delta="$$($(DELTA_JARS))"; \
	for artifact in $$delta org.postgresql:postgresql:42.7.14 org.xerial:sqlite-jdbc:3.54.1.0; do \
	  echo "fetching $$artifact"; mvn -q dependency:copy -Dartifact=$$artifact -DoutputDirectory=.jars; done
