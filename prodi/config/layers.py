"""The layer catalog: every `layer/*.yaml` of the packaged tree and of a user's config dir."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import yaml

from prodi.config.option_files import shown_path
from prodi.model.errors import ConfigError, ConfigErrors
from prodi.model.schema.layer import LayerCatalog, LayerSpec
from prodi.model.typed import build


def layer_files(config_dirs: Sequence[str] = ()) -> dict[str, Path]:
    """Layer name (file stem) -> its file; a user's config dir overrides a packaged layer."""
    folders = [Path(str(resources.files("prodi.conf").joinpath("layer")))]
    folders += [Path(d).expanduser() / "layer" for d in config_dirs]
    files: dict[str, Path] = {}
    for folder in folders:
        if folder.is_dir():
            files.update({p.stem: p for p in sorted(folder.glob("*.yaml"))})
    return files


def layer_catalog(config_dirs: Sequence[str] = ()) -> LayerCatalog:
    """Every declared layer in dependency order; ConfigErrors name the file and key path."""
    layers: dict[str, LayerSpec] = {}
    sources: dict[str, str] = {}
    errors: list[ConfigError] = []
    for stem, file in layer_files(config_dirs).items():
        path = shown_path(file)
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            errors.append(ConfigError("<root>", "valid YAML", str(exc).splitlines()[0], path))
            continue
        found: list[ConfigError] = []
        spec = build(LayerSpec, data, "", found)
        if spec is not None and spec.name != stem:
            found.append(ConfigError("name", f"the file's own name ({stem!r}: it is the layer "
                                             f"option `layer={stem}`)", repr(spec.name)))
            spec = None
        for e in found:
            e.source = path
        errors += found
        if spec is not None:
            layers[stem], sources[stem] = spec, path
    errors += _upstream_errors(layers, sources)
    if errors:
        raise ConfigErrors(errors)
    return LayerCatalog(_dependency_order(layers), sources)


def _upstream_errors(layers: dict[str, LayerSpec], sources: dict[str, str]) -> list[ConfigError]:
    errors = []
    for name, layer in layers.items():
        seen = [name]
        up = layer.upstream
        while up is not None:
            if up not in layers:
                errors.append(ConfigError("upstream", f"a declared layer ({', '.join(layers)})",
                                          repr(up), sources[name]))
                break
            if up in seen:
                errors.append(ConfigError("upstream", "a layer that does not read itself",
                                          " -> ".join([*seen, up]), sources[name]))
                break
            seen.append(up)
            up = layers[up].upstream
    return errors


def _dependency_order(layers: dict[str, LayerSpec]) -> tuple[LayerSpec, ...]:
    def depth(layer: LayerSpec) -> int:
        return 0 if layer.upstream is None else 1 + depth(layers[layer.upstream])

    return tuple(sorted(layers.values(), key=lambda x: (depth(x), x.name)))
