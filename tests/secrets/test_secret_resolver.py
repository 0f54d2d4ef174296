"""Resolving references through a chain: values, errors, masking, and the vault."""

from __future__ import annotations

import pickle
import sys
import traceback
from pathlib import Path

import pytest

from prodi.secrets.chain import ProviderChain
from prodi.secrets.errors import (
    MissingExtraError,
    SecretError,
    SecretNotFound,
    SecretProviderError,
)
from prodi.secrets.providers.aws import AwsSecretsManagerProvider
from prodi.secrets.providers.azure import AzureKeyVaultProvider
from prodi.secrets.providers.databricks import DatabricksProvider
from prodi.secrets.providers.env import EnvProvider
from prodi.secrets.providers.file import FileProvider
from prodi.secrets.providers.gcp import GcpSecretManagerProvider
from prodi.secrets.references import MalformedSecretReference, SecretRef
from prodi.secrets.registry import build_chain
from prodi.secrets.resolver import SecretResolver
from prodi.secrets.vault import SecretVault

ENV = {
    "PRODI_SECRET__PG__USER": "etl_user",
    "PRODI_SECRET__PG__PASSWORD": "pa$$ w0rd",
}


def _resolver(environ: dict[str, str] | None = None) -> tuple[SecretResolver, SecretVault]:
    vault = SecretVault()
    chain = build_chain([{"type": "env"}], environ=ENV if environ is None else environ)
    return SecretResolver(chain, vault), vault


def _full_report(exc: BaseException) -> str:
    """Everything a traceback printer would show, chained exceptions included."""
    return "".join(traceback.format_exception(exc))


def test_resolve_substitutes_and_records_values() -> None:
    resolver, vault = _resolver()
    url = "postgresql://{{secrets/pg/user}}:<<secrets/pg/password>>@db/x?u=${secret:pg/user}"
    assert resolver.resolve(url, "io.jdbc.url") == "postgresql://etl_user:pa$$ w0rd@db/x?u=etl_user"
    assert len(vault) == 2
    assert vault.redact("login pa$$ w0rd as etl_user") == "login *** as ***"


def test_text_without_references_is_returned_unchanged() -> None:
    resolver, vault = _resolver()
    assert resolver.resolve("plain ${oc.env:HOME}", "a.b") == "plain ${oc.env:HOME}"
    assert len(vault) == 0


def test_resolve_masked_checks_but_shows_stars() -> None:
    resolver, vault = _resolver()
    masked = resolver.resolve_masked("user={{secrets/pg/user}} pw=<<secrets/pg/password>>", "x.y")
    assert masked == "user=*** pw=***"
    assert len(vault) == 2
    with pytest.raises(SecretNotFound):
        resolver.resolve_masked("<<secrets/pg/nope>>", "x.y")


def test_resolve_tree_builds_key_paths() -> None:
    resolver, _ = _resolver()
    tree = {"jdbc": {"options": [{"password": "<<secrets/pg/password>>"}], "port": 5432}}
    assert resolver.resolve_tree(tree, "io") == {
        "jdbc": {"options": [{"password": "pa$$ w0rd"}], "port": 5432}
    }
    with pytest.raises(SecretNotFound) as info:
        resolver.resolve_tree({"a": ["ok", "<<secrets/pg/missing>>"]}, "root")
    assert info.value.key_path == "root.a[1]"


def test_not_found_names_key_path_reference_and_where_each_provider_looked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "secrets.yaml"
    path.write_text("pg: {user: u}\n")
    path.chmod(0o600)
    chain = build_chain([{"type": "env"}, {"type": "file", "path": str(path)}], environ=ENV)
    resolver = SecretResolver(chain, SecretVault())
    with pytest.raises(SecretNotFound) as info:
        resolver.resolve("x-<<secrets/pg/token>>", "io.api.headers.Authorization")
    message = str(info.value)
    assert message.startswith("io.api.headers.Authorization: ")
    assert "<<secrets/pg/token>>" in message
    assert "PRODI_SECRET__PG__TOKEN" in message and str(path) in message
    assert info.value.key_path == "io.api.headers.Authorization"
    assert len(info.value.tried) == 2


def test_errors_never_carry_a_value_even_through_the_exception_chain() -> None:
    class LeakyProvider:
        """A provider whose SDK error quotes the secret (the worst case)."""

        name = "leaky"

        def get(self, scope: str, key: str) -> str | None:
            raise RuntimeError(f"boom while handling value {ENV['PRODI_SECRET__PG__PASSWORD']}\n")

        def where(self, scope: str, key: str) -> str:
            return "leaky"

    vault = SecretVault()
    chain = ProviderChain([EnvProvider(environ=ENV), LeakyProvider()])
    resolver = SecretResolver(chain, vault)
    # pg/password resolves (a value now in play), pg/other hits the leaky provider.
    text = "<<secrets/pg/password>>/<<secrets/pg/other>>"
    with pytest.raises(SecretProviderError) as info:
        resolver.resolve(text, "io.jdbc.password")
    exc = info.value
    assert exc.key_path == "io.jdbc.password"
    assert "io.jdbc.password" in str(exc) and "<<secrets/pg/other>>" in str(exc)
    assert exc.__cause__ is None and exc.__context__ is None
    # The SDK text made it into the reason, with the already-resolved value masked.
    assert "boom while handling value ***" in str(exc)
    assert "pa$$ w0rd" not in _full_report(exc)
    assert "pa$$ w0rd" not in repr(exc.args) and "pa$$ w0rd" not in exc.reason


def test_provider_failure_stops_the_chain() -> None:
    class Broken:
        name = "broken"

        def get(self, scope: str, key: str) -> str | None:
            raise SecretProviderError(self.name, None, "auth expired")

        def where(self, scope: str, key: str) -> str:
            return "broken"

    chain = ProviderChain([Broken(), EnvProvider(environ=ENV)])
    with pytest.raises(SecretProviderError) as info:
        chain.get(SecretRef("pg", "password", "<<secrets/pg/password>>"))
    assert str(info.value) == "secret <<secrets/pg/password>>: provider broken failed: auth expired"
    assert "pa$$ w0rd" not in _full_report(info.value)


def test_first_provider_that_has_the_secret_wins() -> None:
    first = EnvProvider(environ={"PRODI_SECRET__PG__PASSWORD": "first"})
    second = EnvProvider(environ={"PRODI_SECRET__PG__PASSWORD": "second"})
    chain = ProviderChain([first, second])
    assert chain.get(SecretRef("pg", "password", "<<secrets/pg/password>>")) == "first"
    empty = EnvProvider(environ={})
    assert ProviderChain([empty, second]).get(SecretRef("pg", "password", "x")) == "second"


def test_empty_chain_says_no_provider_is_configured() -> None:
    with pytest.raises(SecretNotFound, match="no secret providers are configured"):
        ProviderChain([]).get(SecretRef("pg", "password", "<<secrets/pg/password>>"))


def test_malformed_reference_names_key_path() -> None:
    resolver, _ = _resolver()
    with pytest.raises(MalformedSecretReference) as info:
        resolver.resolve("pw=<<secrets/pg>>", "io.jdbc.password")
    assert str(info.value).startswith("io.jdbc.password: malformed secret reference")


@pytest.mark.parametrize(
    ("module", "provider", "extra", "package"),
    [
        ("boto3", AwsSecretsManagerProvider(region="eu-west-1"), "aws", "boto3"),
        (
            "azure.keyvault.secrets",
            AzureKeyVaultProvider(vault_url="https://v.vault.azure.net"),
            "azure",
            "azure-keyvault-secrets",
        ),
        (
            "google.cloud.secretmanager",
            GcpSecretManagerProvider(project="p"),
            "gcp",
            "google-cloud-secret-manager",
        ),
        (
            "azure.identity",
            AzureKeyVaultProvider(vault_url="https://v.vault.azure.net"),
            "azure",
            "azure-identity",
        ),
        ("databricks.sdk", DatabricksProvider(), "databricks", "databricks-sdk"),
    ],
    ids=["aws", "azure", "gcp", "azure-identity", "databricks"],
)
def test_missing_sdk_names_the_pip_command(
    monkeypatch: pytest.MonkeyPatch, module: str, provider: object, extra: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import <module>` fail
    resolver = SecretResolver(ProviderChain([provider]), SecretVault())  # type: ignore[list-item]
    with pytest.raises(MissingExtraError) as info:
        resolver.resolve("<<secrets/pg/password>>", "io.jdbc.password")
    message = str(info.value)
    assert f"pip install 'prodi[{extra}]'" in message
    assert package in message
    assert "io.jdbc.password" in message and "<<secrets/pg/password>>" in message
    assert info.value.__context__ is None


def test_all_errors_are_secret_errors_and_survive_pickling() -> None:
    for cls in (SecretNotFound, SecretProviderError, MissingExtraError, MalformedSecretReference):
        assert issubclass(cls, SecretError)
    resolver, _ = _resolver()
    with pytest.raises(SecretNotFound) as info:
        resolver.resolve("<<secrets/pg/nope>>", "a.b")
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is SecretNotFound and str(copy) == str(info.value)
    assert copy.key_path == "a.b" and copy.ref == info.value.ref


def test_file_provider_in_chain_reports_file_errors_with_reference(tmp_path: Path) -> None:
    path = tmp_path / "secrets.yaml"
    path.write_text("pg: {password: hunter2}\n")
    path.chmod(0o644)
    resolver = SecretResolver(ProviderChain([FileProvider(str(path))]), SecretVault())
    with pytest.raises(SecretProviderError) as info:
        resolver.resolve("<<secrets/pg/password>>", "io.jdbc.password")
    message = str(info.value)
    assert "io.jdbc.password" in message and "<<secrets/pg/password>>" in message
    assert "chmod 600" in message and "hunter2" not in message
