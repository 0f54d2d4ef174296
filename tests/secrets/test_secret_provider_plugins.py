"""Providers beyond the built-ins: dotted class paths, entry-point plug-ins, unknown types."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

import pytest

import prodi.secrets.registry as registry_module
from prodi.secrets import (
    PROVIDERS,
    SecretNotFound,
    SecretProviderConfigError,
    SecretRef,
    build_chain,
    validate_specs,
)
from prodi.secrets.providers import BUILTIN_PROVIDERS

REF = SecretRef("pg", "password", "<<secrets/pg/password>>")

# A provider as a plug-in author writes it: every secret holds one fixed value.
PLUGIN_SOURCE = '''
"""A test plug-in provider: every secret (but scope `absent`) holds one fixed value."""

from prodi.secrets import Option, SecretProvider, SecretProviderConfigError


class FixedProvider(SecretProvider):
    options = {"value": Option(str, required=True, doc="what every secret holds")}

    def __init__(self, *, value: str) -> None:
        self.value = value
        self.name = "fixed"

    @classmethod
    def validate_options(cls, options, where):
        if options["value"].startswith("<<"):
            return [SecretProviderConfigError(f"{where}.value", "a plain value", "a reference")]
        return []

    def get(self, scope, key):
        return None if scope == "absent" else self.value

    def where(self, scope, key):
        return f"fixed {scope}/{key}"
'''

# Run in a fresh interpreter, so that entry points are read after the plug-in is installed.
PROBE = """
import json, sys
from prodi.secrets import PROVIDERS, SecretRef, build_chain, validate_specs
specs = [{"type": sys.argv[1], "value": "plugged-in"}]
chain = build_chain(specs)
print(json.dumps({
    "errors": [str(e) for e in validate_specs(specs)],
    "names": PROVIDERS.names(),
    "module": type(chain.providers[0]).__module__,
    "value": chain.get(SecretRef("pg", "password", "<<secrets/pg/password>>")),
    "unknown": str(validate_specs([{"type": "vault"}])[0]),
}))
"""


def write_plugin_module(folder: Path, module: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{module}.py").write_text(PLUGIN_SOURCE, encoding="utf-8")


def probe(entry_point: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """What a fresh interpreter sees when a spec uses the plug-in `entry_point`."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, entry_point],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_plugin_works(seen: dict[str, object], name: str, module: str) -> None:
    assert seen["errors"] == []
    assert seen["module"] == module
    assert seen["value"] == "plugged-in"
    assert seen["names"] == [*BUILTIN_PROVIDERS, name]
    assert f"one of {', '.join([*BUILTIN_PROVIDERS, name])}" in str(seen["unknown"])


@pytest.fixture
def dotted_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An importable module holding FixedProvider, not installed as a distribution."""
    module = "prodi_test_fixed_dotted"
    write_plugin_module(tmp_path, module)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield module
    sys.modules.pop(module, None)


def test_unknown_type_lists_every_known_name() -> None:
    (error,) = validate_specs([{"type": "vault"}])
    assert error.path == "secrets.providers[0].type"
    assert f"one of {', '.join(PROVIDERS.names())}" in error.expected
    assert all(name in error.expected for name in BUILTIN_PROVIDERS)
    assert error.got == "'vault'"


def test_registry_module_special_cases_no_provider() -> None:
    source = Path(registry_module.__file__).read_text(encoding="utf-8")
    for name, cls in BUILTIN_PROVIDERS.items():
        assert cls.__name__ not in source
        assert f'"{name}"' not in source and f"'{name}'" not in source


def test_dotted_class_path_resolves_a_secret(dotted_module: str) -> None:
    specs = [{"type": "env"}, {"type": f"{dotted_module}.FixedProvider", "value": "plugged-in"}]
    assert validate_specs(specs) == []
    chain = build_chain(specs, environ={})
    assert chain.names == ["env", "fixed"]
    assert chain.get(REF) == "plugged-in"
    with pytest.raises(SecretNotFound) as info:
        chain.get(SecretRef("absent", "k", "<<secrets/absent/k>>"))
    assert info.value.tried == ["env $PRODI_SECRET__ABSENT__K", "fixed absent/k"]


def test_dotted_class_path_options_are_validated(dotted_module: str) -> None:
    kind = f"{dotted_module}.FixedProvider"
    errors = validate_specs(
        [{"type": kind}, {"type": kind, "value": 3, "colour": "red"}, {"type": kind, "value": "<<x"}]
    )
    assert [(e.path, e.got) for e in errors] == [
        ("secrets.providers[0].value", "nothing"),
        ("secrets.providers[1].value", "3 (int)"),
        ("secrets.providers[1].colour", "unknown"),
        ("secrets.providers[2].value", "a reference"),  # the class's own validate_options
    ]
    assert f"an option of the {kind} provider (value)" in str(errors[2])


@pytest.mark.parametrize(
    ("kind", "fragment"),
    [
        ("prodi_test_no_such_module.Provider", "an importable secret provider class"),
        ("collections.OrderedDict", "a subclass of prodi.secrets.providers.base.SecretProvider"),
    ],
)
def test_dotted_path_that_is_no_provider_is_a_config_error(kind: str, fragment: str) -> None:
    (error,) = validate_specs([{"type": kind}])
    assert isinstance(error, SecretProviderConfigError)
    assert error.path == "secrets.providers[0].type"
    assert fragment in error.expected
    with pytest.raises(SecretProviderConfigError) as info:
        build_chain([{"type": kind}])
    assert info.value.path == "secrets.providers[0].type"


def test_entry_point_plugin_on_the_path(tmp_path: Path) -> None:
    """A distribution's metadata on sys.path is enough for its entry point to be found."""
    module, name = "prodi_test_fixed_on_path", "fixed_on_path"
    write_plugin_module(tmp_path, module)
    info = tmp_path / f"{module}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        f"[prodi.secret_providers]\n{name} = {module}:FixedProvider\n"
    )
    path = os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH")) if p)
    assert_plugin_works(probe(name, {"PYTHONPATH": path}), name, module)


def _can_build_without_isolation() -> bool:
    """Whether setuptools here can build a wheel by itself (before 70.1 it needs `wheel`)."""
    try:
        version = metadata.version("setuptools")
    except metadata.PackageNotFoundError:
        return False
    major, minor = (int(part) for part in version.split(".")[:2])
    return (major, minor) >= (70, 1) or find_spec("wheel") is not None


def _pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", *args], capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_pip_installed_plugin_is_usable_by_name(tmp_path: Path) -> None:
    """A real distribution declaring `prodi.secret_providers`, installed with pip."""
    dist, module, name = "prodi-test-fixed-plugin", "prodi_test_fixed_plugin", "fixed_plugin"
    write_plugin_module(tmp_path, module)
    (tmp_path / "pyproject.toml").write_text(
        f"""[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{dist}"
version = "0.1"

[project.entry-points."prodi.secret_providers"]
{name} = "{module}:FixedProvider"

[tool.setuptools]
py-modules = ["{module}"]
""",
        encoding="utf-8",
    )
    # Without setuptools able to build here, pip builds in isolation (fetching it from PyPI).
    isolation = ["--no-build-isolation"] if _can_build_without_isolation() else []
    installed = _pip("install", "-q", "--no-deps", *isolation, str(tmp_path))
    try:
        assert installed.returncode == 0, installed.stdout + installed.stderr
        assert_plugin_works(probe(name), name, module)
    finally:
        removed = _pip("uninstall", "-y", dist)
    assert removed.returncode == 0, removed.stdout + removed.stderr
