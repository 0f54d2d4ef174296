"""OpenLineage events (the `prodi[openlineage]` extra): one START and one COMPLETE or FAIL per
item run, through the transports the OpenLineage client is configured with.

On when the client is installed and configured in the environment (`OPENLINEAGE_URL`,
`OPENLINEAGE_CONFIG` or `OPENLINEAGE__TRANSPORT__...`). An event that can't be sent is a
warning, never a failed run. Every string in an event is masked with the run's secret vault.
"""

from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from loguru import logger

import prodi
from prodi.app.failure import describe_failure
from prodi.engine.hooks import ItemObserver
from prodi.model.layout import absolute_storage, is_table_name

if TYPE_CHECKING:
    from prodi.engine.results import DatasetResult
    from prodi.engine.session import RunSession
    from prodi.plugins.run import StageRun

PRODUCER = f"urn:prodi:{prodi.__version__}"
PRODI_FACET_SCHEMA = "urn:prodi:facets:ProdiRunFacet:1"
RUN_UUIDS = uuid.UUID("0b5c6bd4-5f0e-4b53-9a39-7a1d2c3e9f10")  # the uuid5 namespace of item runs
Redact = Callable[[str], str]
_CONTAINER_SCHEMES = ("abfss", "abfs", "wasbs", "wasb")


def configured(environ: Mapping[str, str]) -> bool:
    """The environment configures an OpenLineage transport (and doesn't disable it)."""
    if environ.get("OPENLINEAGE_DISABLED", "").strip().lower() == "true":
        return False
    return bool(environ.get("OPENLINEAGE_URL") or environ.get("OPENLINEAGE_CONFIG")
                or any(k.startswith("OPENLINEAGE__TRANSPORT__") for k in environ))


def observers(environ: Mapping[str, str] | None = None,
              parent_id: Callable[[], str | None] = lambda: None) -> list[ItemObserver]:
    """The OpenLineage observer when configured and installed, else none (saying why, if the
    environment asks for events the client isn't there to send)."""
    environ = os.environ if environ is None else environ
    if not configured(environ):
        return []
    if importlib.util.find_spec("openlineage.client") is None:
        logger.warning("OpenLineage is configured in the environment but openlineage-python is "
                       "not installed (pip install 'prodi[openlineage]'): no lineage events")
        return []
    return [OpenLineageObserver(environ.get("OPENLINEAGE_NAMESPACE", "prodi"), parent_id)]


def run_uuid(run_id: str, layer: str, dataset: str) -> str:
    """OpenLineage's run id of one item run: stable for prodi's run id and the item."""
    return str(uuid.uuid5(RUN_UUIDS, f"{run_id}/{layer}.{dataset}"))


def dataset_name(location: str, kind: str = "file") -> tuple[str, str]:
    """OpenLineage's (namespace, name) of a location: `s3://bucket` + key, `file` + path, ...
    A URL's credentials and query are left out (Azure's `container@account` is a name)."""
    if location.startswith("jdbc:"):
        location = location[len("jdbc:"):]
    parts = urlsplit(location)
    if parts.scheme and parts.netloc:
        scheme = {"s3a": "s3", "s3n": "s3"}.get(parts.scheme, parts.scheme)
        host = parts.netloc if scheme in _CONTAINER_SCHEMES else parts.netloc.rsplit("@", 1)[-1]
        return f"{scheme}://{host}", parts.path.lstrip("/") or "/"
    if parts.scheme and len(parts.scheme) > 1:  # dbfs:/x, file:/x (not C:\x)
        return parts.scheme, parts.path
    if location.startswith(("/", ".", "~")):
        return "file", absolute_storage(location)
    if kind == "file" and is_table_name(location) and "." in location:  # catalog.schema.table
        return "catalog", location
    return kind, location


class OpenLineageObserver:
    """Sends an item run's events; the client is made at the first one."""

    def __init__(self, namespace: str, parent_id: Callable[[], str | None]) -> None:
        self.namespace, self.parent_id = namespace, parent_id
        self._client: Any = None
        self._broken = False

    def item_started(self, session: RunSession, run: StageRun) -> None:
        self._emit("START", session, run, None, None)

    def item_finished(self, session: RunSession, run: StageRun, result: DatasetResult | None,
                      error: BaseException | None) -> None:
        self._emit("FAIL" if error is not None else "COMPLETE", session, run, result, error)

    def _emit(self, state: str, session: RunSession, run: StageRun,
              result: DatasetResult | None, error: BaseException | None) -> None:
        if self._broken:
            return
        try:
            if self._client is None:
                from openlineage.client import OpenLineageClient

                self._client = OpenLineageClient()
            self._client.emit(self.event(state, session, run, result, error))
        except Exception as exc:  # noqa: BLE001 - lineage never fails a run
            redact = session.secrets.vault.redact
            self._broken = self._client is None  # no client: don't try again for every item
            logger.warning("OpenLineage: the {} event of {}/{} was not sent: {}", state,
                           run.item.layer.name, run.item.name,
                           redact(describe_failure(exc).message))

    def event(self, state: str, session: RunSession, run: StageRun,
              result: DatasetResult | None, error: BaseException | None) -> Any:
        """The RunEvent of one item run, every string masked."""
        from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
        from openlineage.client.facet_v2 import (
            dataset_version_dataset,
            error_message_run,
            job_type_job,
            output_statistics_output_dataset,
        )

        from prodi.app.lineage import source_origin

        redact = session.secrets.vault.redact
        item = run.item
        facets: dict[str, Any] = {"prodi": _prodi_facet(redact, run, self.parent_id(), result,
                                                        state)}
        if error is not None:
            facets["errorMessage"] = error_message_run.ErrorMessageRunFacet(
                message=redact(describe_failure(error).message), programmingLanguage="python",
                producer=PRODUCER)
        inputs = [InputDataset(*_names(redact, loc), inputFacets={"version": (
            dataset_version_dataset.DatasetVersionDatasetFacet(str(version), producer=PRODUCER))})
            for loc, version in ({} if state == "START" else run.inputs).items()]
        if item.layer.upstream is None and item.layer.items != "marts":
            kind, where = source_origin(item.layer, getattr(item.section, "source", None))
            inputs.insert(0, InputDataset(*_names(redact, where or item.name, kind)))
        out_facets: dict[str, Any] = {}
        if result is not None:
            out_facets["outputStatistics"] = output_statistics_output_dataset.\
                OutputStatisticsOutputDatasetFacet(rowCount=result.rows_written, producer=PRODUCER)
            if result.version_written is not None:
                out_facets["version"] = dataset_version_dataset.DatasetVersionDatasetFacet(
                    str(result.version_written), producer=PRODUCER)
        output = OutputDataset(*_names(redact, run.target), outputFacets=out_facets)
        job_facets = {"jobType": job_type_job.JobTypeJobFacet(
            processingType="BATCH", integration="PRODI", jobType="DATASET", producer=PRODUCER)}
        return RunEvent(
            eventType=getattr(RunState, state), producer=PRODUCER,
            eventTime=datetime.now(timezone.utc).isoformat(),
            run=Run(runId=run_uuid(session.run_id, item.layer.name, item.name), facets=facets),
            job=Job(namespace=redact(self.namespace), name=redact(f"{item.layer.name}.{item.name}"),
                    facets=job_facets),
            inputs=inputs, outputs=[output])


def _names(redact: Redact, location: str, kind: str = "file") -> tuple[str, str]:
    namespace, name = dataset_name(location, kind)
    return redact(namespace), redact(name)


def _prodi_facet(redact: Redact, run: StageRun, parent_id: str | None,
                 result: DatasetResult | None, state: str) -> Any:
    """prodi's own run facet: its run id (the ledger's `run_id`), and on completion the terms."""
    from openlineage.client.facet_v2 import RunFacet

    item = run.item
    values: dict[str, Any] = {"runId": run.run_id, "parentRunId": parent_id,
                              "layer": item.layer.name, "dataset": item.name,
                              "runDate": item.run_date or "all"}
    if result is not None:
        values.update(status=result.status, note=result.note, rowsRead=result.rows_read,
                      rowsWritten=result.rows_written, rowsQuarantined=result.rows_quarantined,
                      rowsDropped=result.rows_dropped, rowsSuperseded=result.rows_superseded,
                      versionWritten=result.version_written)
    elif state == "FAIL":
        values["status"] = "failed"
    masked = {k: redact(v) if isinstance(v, str) else v for k, v in values.items()}
    facet = RunFacet(producer=PRODUCER).with_additional_properties(**masked)
    facet._schemaURL = PRODI_FACET_SCHEMA  # noqa: SLF001 - a custom facet names its own schema
    return facet
