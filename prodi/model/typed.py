"""Build frozen dataclasses from plain config containers, collecting errors with key paths.

OmegaConf's structured configs cannot express unions such as the per-type step parameters,
and their errors stop at the first problem, so validation is done here instead.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from prodi.model.errors import ConfigError, describe, unknown_key
from prodi.model.tree import join

T = TypeVar("T")
_MISSING = object()



def build(cls: type[T], data: Any, path: str, errors: list[ConfigError]) -> T | None:
    """Convert `data` into `cls`; on problems append to `errors` and return None."""
    return _convert(cls, data, path, errors)


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return " | ".join(repr(a) for a in get_args(tp))
    if origin in (list, typing.List):  # noqa: UP006
        return f"list of {_type_name(get_args(tp)[0])}"
    if origin in (dict, typing.Dict):  # noqa: UP006
        return f"mapping of {_type_name(get_args(tp)[1])}"
    if origin in (Union, types.UnionType):
        return " or ".join(_type_name(a) for a in get_args(tp))
    if dataclasses.is_dataclass(tp):
        return f"a mapping ({tp.__name__})"
    if tp is type(None):
        return "null"
    return getattr(tp, "__name__", str(tp))


def _convert(tp: Any, data: Any, path: str, errors: list[ConfigError]) -> Any:
    origin = get_origin(tp)
    if tp is Any:
        return data
    if hasattr(tp, "from_config"):
        return tp.from_config(data, path, errors)
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        if data is None and type(None) in args:
            return None
        non_none = [a for a in args if a is not type(None)]
        if len(non_none) == 1:
            return _convert(non_none[0], data, path, errors)
        for arg in non_none:
            trial: list[ConfigError] = []
            value = _convert(arg, data, path, trial)
            if not trial:
                return value
        errors.append(ConfigError(path, _type_name(tp), describe(data)))
        return None
    if origin is Literal:
        if data in get_args(tp):
            return data
        errors.append(ConfigError(path, f"one of {_type_name(tp)}", describe(data)))
        return None
    if origin in (list, tuple):
        if not isinstance(data, (list, tuple)):
            errors.append(ConfigError(path, _type_name(tp), describe(data)))
            return None
        (item_tp, *_) = get_args(tp)
        return tuple(_convert(item_tp, v, join(path, i), errors) for i, v in enumerate(data))
    if origin is dict:
        if not isinstance(data, dict):
            errors.append(ConfigError(path, _type_name(tp), describe(data)))
            return None
        key_tp, val_tp = get_args(tp)
        return {str(k): _convert(val_tp, v, join(path, str(k)), errors) for k, v in data.items()}
    if dataclasses.is_dataclass(tp):
        return _build_dataclass(tp, data, path, errors)
    return _scalar(tp, data, path, errors)


def _scalar(tp: Any, data: Any, path: str, errors: list[ConfigError]) -> Any:
    if tp is bool:
        if isinstance(data, bool):
            return data
    elif tp is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
    elif tp is float:
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return float(data)
    elif tp is str:
        # YAML turns `shuffle.partitions: 4` into an int; such scalars are fine as text.
        if isinstance(data, str):
            return data
        if isinstance(data, (int, float, bool)):
            return str(data).lower() if isinstance(data, bool) else str(data)
    else:
        raise TypeError(f"unsupported schema type {tp!r} at {path}")
    errors.append(ConfigError(path, _type_name(tp), describe(data)))
    return None


def _build_dataclass(cls: Any, data: Any, path: str, errors: list[ConfigError]) -> Any:
    if not isinstance(data, dict):
        errors.append(ConfigError(path, _type_name(cls), describe(data)))
        return None
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    errors += [unknown_key(join(path, str(key)), str(key), fields) for key in data
               if key not in fields]
    values: dict[str, Any] = {}
    before = len(errors)
    for name, field in fields.items():
        sub = join(path, name)
        if name in data:
            values[name] = _convert(hints[name], data[name], sub, errors)
        elif field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING:
            continue
        else:
            errors.append(ConfigError(sub, f"a value ({_type_name(hints[name])})", "nothing (missing)"))
    if len(errors) > before:
        return None
    return cls(**values)
