"""Secrets from a local file kept outside the repository (for laptops and CI runners).

Two formats, chosen by the file's extension (or the `format` option):

* YAML (`.yaml`, `.yml`): `scope: {key: value}`
* .env-style (`.env`, or a file named `.env`): one `scope/key=value` per line, `#` comments

The file must be readable by its owner only (`chmod 600`); a group- or world-readable file is
refused, because a secret in it could be read by other users of the machine.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from prodi.model.errors import describe
from prodi.secrets.errors import SecretProviderConfigError, SecretProviderError
from prodi.secrets.providers.base import Option, SecretProvider

FORMATS = ("yaml", "env")


def format_for(path: Path) -> str | None:
    """The format implied by a file name: 'yaml', 'env', or None when it cannot be told."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".env" or path.name == ".env":
        return "env"
    return None


class FileProvider(SecretProvider):
    """Reads `scope/key` from a YAML or .env-style file; the file is read once, on first use."""

    options: ClassVar[dict[str, Option]] = {
        "path": Option(str, required=True, doc="the secrets file; `~` is expanded"),
        "optional": Option(bool, doc="a missing file holds no secrets instead of failing"),
        "format": Option(str, doc="yaml | env; default from the file extension"),
    }

    def __init__(self, path: str, *, optional: bool = False, format: str | None = None) -> None:
        self.path = Path(path).expanduser()
        self.optional = optional
        self.format = format or format_for(self.path)
        if self.format not in FORMATS:
            raise ValueError(
                f"cannot tell the format of secrets file {self.path}: name it *.yaml, *.yml "
                "or *.env, or set format: yaml|env"
            )
        self.name = f"file:{path}"
        self._lock = threading.Lock()
        self._secrets: dict[tuple[str, str], str] | None = None

    @classmethod
    def validate_options(
        cls, options: Mapping[str, Any], where: str
    ) -> list[SecretProviderConfigError]:
        """The format must be known: set explicitly, or implied by the file extension."""
        fmt = options.get("format")
        if fmt is not None:
            if fmt in FORMATS:
                return []
            return [SecretProviderConfigError(f"{where}.format", "yaml or env", describe(fmt))]
        if format_for(Path(options["path"])) is not None:
            return []
        return [
            SecretProviderConfigError(
                f"{where}.path",
                "a *.yaml, *.yml or *.env file (or set format: yaml|env)",
                describe(options["path"]),
            )
        ]

    def get(self, scope: str, key: str) -> str | None:
        """The value of `scope/key` in the file, or None (also when an optional file is absent)."""
        with self._lock:
            if self._secrets is None:
                self._secrets = self._load()
        return self._secrets.get((scope, key))

    def where(self, scope: str, key: str) -> str:
        """The file and entry looked at."""
        return f"file {self.path} ({scope}/{key})"

    def _fail(self, reason: str) -> SecretProviderError:
        return SecretProviderError(self.name, None, reason)

    def _load(self) -> dict[tuple[str, str], str]:
        """Check the file's permissions, then parse it; {} for a missing optional file."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            if self.optional:
                return {}
            raise self._fail(
                f"secrets file {self.path} does not exist (set optional: true to allow that)"
            ) from None
        except OSError as exc:
            raise self._fail(f"cannot stat {self.path}: {exc.strerror}") from None
        if not stat.S_ISREG(st.st_mode):
            raise self._fail(f"secrets file {self.path} is not a regular file")
        if os.name == "posix" and st.st_mode & 0o077:
            raise self._fail(
                f"refusing secrets file {self.path}: it is readable by group or others "
                f"(mode {stat.S_IMODE(st.st_mode):04o}); run: chmod 600 {self.path}"
            )
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise self._fail(f"cannot read {self.path}: {reason}") from None
        if self.format == "yaml":
            return self._parse_yaml(text)
        return self._parse_env(text)

    def _parse_yaml(self, text: str) -> dict[tuple[str, str], str]:
        """`scope: {key: value}`. Parse errors report only a line number (never file content)."""
        import yaml  # PyYAML comes with omegaconf; imported here to keep import time low

        try:
            data: Any = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" near line {mark.line + 1}" if mark is not None else ""
            failure = self._fail(f"{self.path} is not valid YAML{where}")
        else:
            return self._flatten(data)
        raise failure  # outside the except block: YAML errors quote file content

    def _flatten(self, data: Any) -> dict[tuple[str, str], str]:
        if data is None:
            return {}
        if not isinstance(data, Mapping):
            raise self._fail(f"{self.path}: expected a mapping of scope -> {{key: value}}")
        secrets: dict[tuple[str, str], str] = {}
        for scope, entries in data.items():
            if not isinstance(entries, Mapping):
                raise self._fail(f"{self.path}: scope {scope!r} must map keys to values")
            for key, value in entries.items():
                if isinstance(value, (Mapping, list)) or value is None:
                    raise self._fail(
                        f"{self.path}: {scope}/{key} must be a string (got "
                        f"{'null' if value is None else type(value).__name__})"
                    )
                secrets[(str(scope), str(key))] = str(value)
        return secrets

    def _parse_env(self, text: str) -> dict[tuple[str, str], str]:
        """`scope/key=value` lines; `#` starts a comment line; quotes around a value are removed.

        Malformed lines are reported by number only, never by content.
        """
        secrets: dict[tuple[str, str], str] = {}
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            name, sep, value = line.partition("=")
            scope, slash, key = name.strip().partition("/")
            if not sep or not slash or not scope.strip() or not key.strip() or "/" in key:
                raise self._fail(f"{self.path}, line {number}: expected scope/key=value")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            secrets[(scope.strip(), key.strip())] = value
        return secrets
