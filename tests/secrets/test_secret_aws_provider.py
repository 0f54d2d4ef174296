"""AWS Secrets Manager through real boto3 HTTP calls against moto's server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from prodi.secrets.errors import SecretProviderError
from prodi.secrets.providers.aws import AwsSecretsManagerProvider
from prodi.secrets.references import SecretRef
from prodi.secrets.registry import build_chain

REGION = "eu-west-1"


@pytest.fixture(autouse=True)
def _fake_aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Static test credentials; no profile or config file from the machine is read."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture()
def seeded(moto_url: str) -> str:
    """Secrets created through boto3 itself, as an operator would."""
    client = boto3.client(
        "secretsmanager",
        region_name=REGION,
        endpoint_url=moto_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    existing = {s["Name"] for s in client.list_secrets()["SecretList"]}
    for name, kwargs in {
        "prodi/pg/password": {"SecretString": "aws-s3cr3t"},
        "prodi/bars/canary": {"SecretBinary": b"binary tweet"},
        "pg/password": {"SecretString": "no-prefix"},
    }.items():
        if name not in existing:
            client.create_secret(Name=name, **kwargs)
    return moto_url


def test_reads_secret_string_with_prefix(seeded: str) -> None:
    provider = AwsSecretsManagerProvider(region=REGION, prefix="prodi/", endpoint_url=seeded)
    assert provider.get("pg", "password") == "aws-s3cr3t"
    assert provider.get("bars", "canary") == "binary tweet"
    assert AwsSecretsManagerProvider(region=REGION, endpoint_url=seeded).get("pg", "password") == (
        "no-prefix"
    )


def test_missing_secret_is_none(seeded: str) -> None:
    provider = AwsSecretsManagerProvider(region=REGION, prefix="prodi/", endpoint_url=seeded)
    assert provider.get("pg", "nope") is None
    assert "'prodi/pg/nope'" in provider.where("pg", "nope")


def test_through_a_chain_built_from_specs(seeded: str) -> None:
    chain = build_chain(
        [
            {"type": "env"},
            {"type": "aws", "region": REGION, "prefix": "prodi/", "endpoint_url": seeded},
        ],
        environ={},
    )
    assert chain.get(SecretRef("pg", "password", "<<secrets/pg/password>>")) == "aws-s3cr3t"


def test_unreachable_endpoint_is_a_provider_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    # A port nothing listens on: connection refused, fast and local.
    provider = AwsSecretsManagerProvider(region=REGION, endpoint_url="http://127.0.0.1:9")
    with pytest.raises(SecretProviderError) as info:
        provider.get("pg", "password")
    assert "aws:eu-west-1" in str(info.value)
    assert info.value.__context__ is None


def test_constructing_contacts_nothing() -> None:
    # No server behind this endpoint, and no client is created until the first lookup.
    provider = AwsSecretsManagerProvider(region=REGION, endpoint_url="http://127.0.0.1:9")
    assert not provider._client.created
