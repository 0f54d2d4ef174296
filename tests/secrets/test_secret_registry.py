"""Provider specs: validation without SDKs, and building a chain that contacts nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from prodi.secrets.errors import SecretProviderConfigError
from prodi.secrets.providers.aws import AwsSecretsManagerProvider
from prodi.secrets.providers.azure import AzureKeyVaultProvider
from prodi.secrets.providers.databricks import DatabricksProvider
from prodi.secrets.providers.env import EnvProvider
from prodi.secrets.providers.file import FileProvider
from prodi.secrets.providers.gcp import GcpSecretManagerProvider
from prodi.secrets.registry import build_chain, validate_specs

CONF = Path(__file__).resolve().parents[2] / "prodi" / "conf" / "cloud"

ALL_SPECS = [
    {"type": "env"},
    {"type": "file", "path": "~/.config/prodi/secrets.yaml", "optional": True},
    {"type": "databricks"},
    {"type": "aws", "region": "eu-west-1", "prefix": "prodi/"},
    {"type": "azure", "vault_url": "https://prodi-dev.vault.azure.net"},
    {"type": "gcp", "project": "prodi-dev"},
]


def test_build_chain_keeps_order_and_types() -> None:
    chain = build_chain(ALL_SPECS, environ={})
    assert [type(p) for p in chain.providers] == [
        EnvProvider,
        FileProvider,
        DatabricksProvider,
        AwsSecretsManagerProvider,
        AzureKeyVaultProvider,
        GcpSecretManagerProvider,
    ]
    assert chain.names[0] == "env" and chain.names[3] == "aws:eu-west-1"


def test_validating_and_building_import_no_sdk() -> None:
    code = (
        "import sys\n"
        "from prodi.secrets.registry import build_chain, validate_specs\n"
        f"specs = {ALL_SPECS!r}\n"
        "assert validate_specs(specs) == []\n"
        "build_chain(specs)\n"
        "roots = ('boto3', 'botocore', 'azure', 'google', 'databricks', 'pyspark', 'delta')\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in roots)\n"
        "print(loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("cloud", ["local", "aws", "azure", "gcp"])
def test_shipped_cloud_configs_are_valid(cloud: str) -> None:
    tree = OmegaConf.load(CONF / f"{cloud}.yaml")
    providers = OmegaConf.to_container(tree.secrets.providers, resolve=False)
    assert providers
    assert validate_specs(providers) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("specs", "path", "fragment"),
    [
        ([{"type": "vault"}], "secrets.providers[0].type", "one of env, file"),
        ([{"region": "x"}], "secrets.providers[0].type", "nothing"),
        (
            [{"type": "env"}, {"type": "aws", "regoin": "x"}],
            "secrets.providers[1].regoin",
            "unknown",
        ),
        ([{"type": "file"}], "secrets.providers[0].path", "nothing"),
        (
            [{"type": "file", "path": "s.yaml", "optional": "yes"}],
            "secrets.providers[0].optional",
            "true or false",
        ),
        ([{"type": "file", "path": "secrets.txt"}], "secrets.providers[0].path", "*.yaml"),
        (
            [{"type": "file", "path": "s", "format": "ini"}],
            "secrets.providers[0].format",
            "yaml or env",
        ),
        ([{"type": "azure"}], "secrets.providers[0].vault_url", "nothing"),
        (
            [{"type": "azure", "vault_url": "http://v"}],
            "secrets.providers[0].vault_url",
            "https://",
        ),
        ([{"type": "gcp", "project": 12}], "secrets.providers[0].project", "a string"),
        (["env"], "secrets.providers[0]", "a mapping"),
        ({"type": "env"}, "secrets.providers", "a list"),
    ],
)
def test_bad_specs_name_the_key_path(specs: object, path: str, fragment: str) -> None:
    errors = validate_specs(specs)  # type: ignore[arg-type]
    assert [e.path for e in errors] == [path]
    assert errors[0].key_path == path
    assert str(errors[0]).startswith(f"{path}: expected")
    assert fragment in str(errors[0])
    with pytest.raises(SecretProviderConfigError) as info:
        build_chain(specs)  # type: ignore[arg-type]
    assert info.value.path == path


def test_every_problem_is_reported_at_once() -> None:
    errors = validate_specs([{"type": "aws", "zone": 1}, {"type": "gcp"}, {"type": "nope"}])
    assert [e.path for e in errors] == [
        "secrets.providers[0].zone",
        "secrets.providers[1].project",
        "secrets.providers[2].type",
    ]


def test_custom_path_prefix_and_empty_lists() -> None:
    assert validate_specs(None) == [] and validate_specs([]) == []
    assert len(build_chain([])) == 0
    (error,) = validate_specs([{"type": "x"}], path="cloud.secrets.providers")
    assert error.path == "cloud.secrets.providers[0].type"
