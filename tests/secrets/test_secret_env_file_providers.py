"""The env and file providers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from prodi.secrets.errors import SecretProviderError
from prodi.secrets.providers.env import EnvProvider, env_var_name
from prodi.secrets.providers.file import FileProvider


@pytest.mark.parametrize(
    ("scope", "key", "name"),
    [
        ("pg", "password", "PRODI_SECRET__PG__PASSWORD"),
        ("pg-main", "db.password", "PRODI_SECRET__PG_MAIN__DB_PASSWORD"),
        ("Bars_EU", "api-key.v2", "PRODI_SECRET__BARS_EU__API_KEY_V2"),
    ],
)
def test_env_var_naming(scope: str, key: str, name: str) -> None:
    assert env_var_name(scope, key) == name


def test_env_provider_reads_injected_environ() -> None:
    provider = EnvProvider(environ={"PRODI_SECRET__PG_MAIN__DB_PASSWORD": "v"})
    assert provider.get("pg-main", "db.password") == "v"
    assert provider.get("pg-main", "other") is None
    assert "PRODI_SECRET__PG_MAIN__OTHER" in provider.where("pg-main", "other")


def test_env_provider_defaults_to_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRODI_SECRET__BARS__CANARY", "tweet")
    assert EnvProvider().get("bars", "canary") == "tweet"


def _write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_file_provider_yaml(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "secrets.yaml",
        "pg:\n  password: 'pa:ss#word'\n  port: 5432\nbars:\n  canary: tweet\n",
    )
    provider = FileProvider(str(path))
    assert provider.get("pg", "password") == "pa:ss#word"
    assert provider.get("pg", "port") == "5432"
    assert provider.get("bars", "canary") == "tweet"
    assert provider.get("bars", "missing") is None
    assert provider.get("nope", "password") is None


def test_file_provider_env_style(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "secrets.env",
        '# local secrets\n\npg/password = p=ss#1\nbars/canary="tweet tweet"\n  # indented\n',
    )
    provider = FileProvider(str(path))
    assert provider.get("pg", "password") == "p=ss#1"
    assert provider.get("bars", "canary") == "tweet tweet"
    assert provider.get("pg", "user") is None


def test_file_provider_expands_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".config" / "prodi").mkdir(parents=True)
    _write(tmp_path / ".config" / "prodi" / "secrets.yaml", "pg: {password: x}\n")
    assert FileProvider("~/.config/prodi/secrets.yaml").get("pg", "password") == "x"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_file_provider_refuses_group_or_world_readable_file(tmp_path: Path, mode: int) -> None:
    path = _write(tmp_path / "secrets.yaml", "pg: {password: hunter2}\n", mode)
    with pytest.raises(SecretProviderError) as info:
        FileProvider(str(path)).get("pg", "password")
    message = str(info.value)
    assert str(path) in message
    assert f"chmod 600 {path}" in message
    assert "hunter2" not in message


def test_file_provider_optional_missing_file_holds_nothing(tmp_path: Path) -> None:
    provider = FileProvider(str(tmp_path / "absent.yaml"), optional=True)
    assert provider.get("pg", "password") is None


def test_file_provider_required_missing_file_fails(tmp_path: Path) -> None:
    with pytest.raises(SecretProviderError, match="does not exist"):
        FileProvider(str(tmp_path / "absent.yaml")).get("pg", "password")


def test_file_provider_bad_content_never_quotes_the_file(tmp_path: Path) -> None:
    yaml_path = _write(tmp_path / "bad.yaml", "pg:\n  password: [hunter2\n")
    with pytest.raises(SecretProviderError) as info:
        FileProvider(str(yaml_path)).get("pg", "password")
    assert "not valid YAML" in str(info.value) and "hunter2" not in str(info.value)
    assert info.value.__context__ is None and info.value.__cause__ is None

    env_path = _write(tmp_path / "bad.env", "pg/password=ok\nhunter2\n")
    with pytest.raises(SecretProviderError) as info:
        FileProvider(str(env_path)).get("pg", "password")
    assert "line 2" in str(info.value) and "hunter2" not in str(info.value)
