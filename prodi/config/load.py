"""From a composed Hydra config to a validated, typed `LoadedConfig` (no Spark, no secrets fetched)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from prodi.config.compose import choices_of
from prodi.config.dry_run import DryRunDecision, forced_by_env
from prodi.config.layers import layer_catalog
from prodi.config.legacy import SELECTABLE_GROUPS, LegacyFile, read_legacy_file
from prodi.config.option_files import option_files
from prodi.config.origins import Origins
from prodi.config.validate import check
from prodi.model.errors import ConfigError, ConfigErrors
from prodi.model.run_dates import normalize_run_date
from prodi.model.schema.app import AppConfig
from prodi.model.schema.layer import LayerCatalog
from prodi.model.typed import build
from prodi.stages.plan import ItemPlan


@dataclass(frozen=True)
class LoadedConfig:
    """A validated run configuration: typed, plus the resolved tree (secrets still references)."""

    app: AppConfig
    tree: dict[str, Any]
    dry_run: DryRunDecision
    origins: Origins
    catalog: LayerCatalog
    plans: tuple[ItemPlan, ...]  # the selected items with their stages bound: what runs


def load(cfg: DictConfig, overrides: list[str], environ: Mapping[str, str] | None = None
         ) -> LoadedConfig:
    """Validate a composed config; raises ConfigErrors naming source files and key paths."""
    environ = os.environ if environ is None else environ
    catalog = layer_catalog(user_config_dirs(cfg))
    tree, origins = resolved_tree(cfg, overrides)
    errors: list[ConfigError] = []
    app = build(AppConfig, tree, "", errors)
    plans: list[ItemPlan] = []
    if app is not None:
        try:
            app = replace(app, run=replace(app.run, date=normalize_run_date(app.run.date)))
        except ValueError:
            errors.append(ConfigError("run.date", "an ISO date YYYY-MM-DD, `today` (UTC) or `all`",
                                      repr(app.run.date)))
        plans, more = check(app, tree, catalog)
        errors += more
    if errors:
        raise ConfigErrors([_with_source(e, origins) for e in errors])
    assert app is not None
    try:
        forced = forced_by_env(environ)
    except ConfigError as exc:
        raise ConfigErrors([exc]) from None
    return LoadedConfig(app=app, tree=tree, dry_run=_dry_run(app, forced, environ, origins),
                        origins=origins, catalog=catalog.with_layer(app.layer), plans=tuple(plans))


def user_config_dirs(cfg: DictConfig) -> list[str]:
    """The config directories a user added (`--config-dir`, `hydra.searchpath`), from Hydra's
    record of where it composed from."""
    hydra = cfg.get("hydra")
    if hydra is None:
        return []
    sources = OmegaConf.select(hydra, "runtime.config_sources", default=None) or []
    return [str(s.path) for s in sources if s.schema == "file" and s.provider != "hydra"]


def resolved_tree(cfg: DictConfig, overrides: list[str]) -> tuple[dict[str, Any], Origins]:
    """The composed tree with the legacy file merged and interpolations resolved (secrets stay
    references), not yet checked against the schema."""
    cfg = cfg.copy()
    choices, files = choices_of(cfg), option_files(cfg)
    if "hydra" in cfg:
        with _writable(cfg):
            cfg.pop("hydra")
    legacy = _legacy_of(cfg)
    origins = Origins(choices=choices, overrides=tuple(overrides), legacy=legacy, files=files)
    if legacy is not None:
        cfg = _merge_legacy(cfg, legacy, overrides, origins)
    tree = _resolve(cfg, origins)
    _name_pipeline_after_its_option(tree, choices)
    return tree, origins


def _name_pipeline_after_its_option(tree: dict[str, Any], choices: dict[str, str]) -> None:
    """A pipeline without `name` is named after its option (`pipeline=sales`: sales.yaml),
    as a layer must be: the file name already says it, and a second spelling could disagree."""
    pipeline = tree.get("pipeline")
    if isinstance(pipeline, dict) and "name" not in pipeline and "pipeline" in choices:
        pipeline["name"] = choices["pipeline"]


def _legacy_of(cfg: DictConfig) -> LegacyFile | None:
    path = cfg.get("legacy_config")
    if path in (None, ""):
        return None
    try:
        return read_legacy_file(str(path))
    except ConfigError as exc:
        raise ConfigErrors([exc]) from None


def _merge_legacy(cfg: DictConfig, legacy: LegacyFile, overrides: list[str],
                  origins: Origins) -> DictConfig:
    """Merge the legacy body, then re-apply the command line's value overrides: they win."""
    # Unknown keys in the file are reported by the schema, naming the file, not by OmegaConf.
    with _writable(cfg):
        merged = OmegaConf.merge(cfg, OmegaConf.create(legacy.body))
    assert isinstance(merged, DictConfig)
    OmegaConf.set_struct(merged, False)
    parsed = OverridesParser.create().parse_overrides(overrides)
    for o in parsed:
        key = o.key_or_group
        if key in SELECTABLE_GROUPS or key.startswith("hydra") or o.is_sweep_override():
            continue
        try:
            with _writable(merged):
                if o.is_delete():
                    OmegaConf.update(merged, key, None, force_add=True)
                else:
                    OmegaConf.update(merged, key, o.value(), merge=True, force_add=True)
        except OmegaConfBaseException as exc:
            raise ConfigErrors([ConfigError(key, "an override that applies", str(exc).splitlines()[0],
                                            source=origins.of(key))]) from None
    return merged


def _resolve(cfg: DictConfig, origins: Origins) -> dict[str, Any]:
    try:
        tree = OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
    except OmegaConfBaseException as exc:
        key = str(getattr(exc, "full_key", "") or "")
        message = str(exc).splitlines()[0]
        expected = "a value (`???` must be set)" if "Missing mandatory" in message else \
            "an interpolation that resolves"
        raise ConfigErrors([ConfigError(key, expected, message, source=origins.of(key))]) from None
    assert isinstance(tree, dict)
    return tree


def _with_source(error: ConfigError, origins: Origins) -> ConfigError:
    if error.source is None:
        error.source = origins.of(error.path)
    return error


def _dry_run(app: AppConfig, forced: bool, environ: Mapping[str, str], origins: Origins
             ) -> DryRunDecision:
    if forced:
        return DryRunDecision(True, f"environment PRODI_FORCE_DRY_RUN={environ['PRODI_FORCE_DRY_RUN']}")
    if app.dry_run:
        origin = origins.of("dry_run")
        if origin.endswith("/config.yaml"):  # `dry_run: ${env.dry_run}`: the env decided
            origin = origins.of("env.dry_run")
        return DryRunDecision(True, origin)
    return DryRunDecision(False, "")


class _writable:
    """Temporarily lift OmegaConf's struct/readonly flags on a config."""

    def __init__(self, cfg: DictConfig) -> None:
        self.cfg = cfg

    def __enter__(self) -> DictConfig:
        self.struct = OmegaConf.is_struct(self.cfg)
        self.readonly = OmegaConf.is_readonly(self.cfg)
        OmegaConf.set_struct(self.cfg, False)
        OmegaConf.set_readonly(self.cfg, False)
        return self.cfg

    def __exit__(self, *exc: object) -> None:
        OmegaConf.set_struct(self.cfg, self.struct)
        OmegaConf.set_readonly(self.cfg, self.readonly)
