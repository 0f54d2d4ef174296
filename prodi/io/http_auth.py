"""Credentials an HTTP source sends: bearer token, basic, or an API key in a header or the
query. Also the source's `auth:` options; their values are what gets masked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import urllib3

from prodi.io.http_paging import by_kind
from prodi.model.errors import ConfigError
from prodi.model.tree import join

# -- credentials --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BearerAuth:
    token: str
    type: Literal["bearer"] = "bearer"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def query(self) -> dict[str, str]:
        return {}

    def secrets(self) -> list[str]:
        return [self.token]


@dataclass(frozen=True)
class BasicAuth:
    user: str
    password: str
    type: Literal["basic"] = "basic"

    def headers(self) -> dict[str, str]:
        return urllib3.util.make_headers(basic_auth=f"{self.user}:{self.password}")

    def query(self) -> dict[str, str]:
        return {}

    def secrets(self) -> list[str]:
        return [self.password, f"{self.user}:{self.password}"]


@dataclass(frozen=True)
class ApiKeyAuth:
    name: str
    value: str
    location: Literal["header", "query"] = "header"  # written `in:` in YAML
    type: Literal["api_key"] = "api_key"

    def headers(self) -> dict[str, str]:
        return {self.name: self.value} if self.location == "header" else {}

    def query(self) -> dict[str, str]:
        return {self.name: self.value} if self.location == "query" else {}

    def secrets(self) -> list[str]:
        return [self.value]


Credentials = BearerAuth | BasicAuth | ApiKeyAuth
AUTHS: dict[str, type] = {"bearer": BearerAuth, "basic": BasicAuth, "api_key": ApiKeyAuth}


class Auth:
    """`auth:` as written: one of the kinds, by its `type`; api_key's `in` is `location`."""

    @classmethod
    def from_config(cls, data: Any, path: str, errors: list[ConfigError]) -> Credentials | None:
        if isinstance(data, dict) and data.get("type") == "api_key":
            if "location" in data:
                errors.append(ConfigError(join(path, "location"), "a known key (in, name, type, "
                                          "value)", "unknown key"))
                return None
            data = {("location" if k == "in" else k): v for k, v in data.items()}
        return by_kind(AUTHS, "type", data, path, errors)


def as_written(auth: Credentials) -> dict[str, Any]:
    """The options of `auth` the way YAML writes them."""
    data = {k: getattr(auth, k) for k in auth.__dataclass_fields__}
    if "location" in data:
        data["in"] = data.pop("location")
    return data
