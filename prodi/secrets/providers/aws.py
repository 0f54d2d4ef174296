"""Secrets from AWS Secrets Manager (boto3, default credential chain: instance profile, env)."""

from __future__ import annotations

from typing import Any, ClassVar

from prodi.secrets.errors import SecretProviderError
from prodi.secrets.extras import import_extra
from prodi.secrets.providers.base import LazyClient, Option, SecretProvider
from prodi.secrets.providers.failures import describe_failure

NOT_FOUND_CODE = "ResourceNotFoundException"


class AwsSecretsManagerProvider(SecretProvider):
    """Reads `scope/key` from the secret named `{prefix}{scope}/{key}` (its SecretString)."""

    options: ClassVar[dict[str, Option]] = {
        "region": Option(str, doc="AWS region; default: the SDK's (AWS_REGION, profile)"),
        "prefix": Option(str, doc="prepended to `scope/key`, e.g. `prodi/`"),
        "endpoint_url": Option(str, doc="a non-default endpoint (tests, VPC endpoints)"),
    }

    def __init__(
        self,
        *,
        region: str | None = None,
        prefix: str = "",
        endpoint_url: str | None = None,
    ) -> None:
        self.region = region
        self.prefix = prefix
        self.endpoint_url = endpoint_url
        self.name = f"aws:{region}" if region else "aws"
        self._client = LazyClient(self.name, "a Secrets Manager client", self._make_client)

    def secret_id(self, scope: str, key: str) -> str:
        """The Secrets Manager secret id for `scope/key`."""
        return f"{self.prefix}{scope}/{key}"

    def where(self, scope: str, key: str) -> str:
        """The secret id looked at."""
        return f"aws secretsmanager {self.secret_id(scope, key)!r}"

    def _make_client(self) -> Any:
        """The boto3 client (creating it contacts nothing; NoRegionError or a bad endpoint fail)."""
        boto3 = import_extra("boto3", extra="aws", package="boto3")
        session = boto3.session.Session(region_name=self.region)
        return session.client("secretsmanager", endpoint_url=self.endpoint_url)

    def get(self, scope: str, key: str) -> str | None:
        """The secret's SecretString (or UTF-8 SecretBinary); None when no such secret."""
        client = self._client.get()
        try:
            response = client.get_secret_value(SecretId=self.secret_id(scope, key))
        except Exception as exc:  # botocore ClientError, credentials and connection errors
            if _error_code(exc) == NOT_FOUND_CODE:
                return None
            failure = describe_failure(exc)
        else:
            return self._value(response)
        raise SecretProviderError(self.name, None, failure)

    def _value(self, response: dict[str, Any]) -> str:
        if response.get("SecretString") is not None:
            return str(response["SecretString"])
        try:
            return bytes(response["SecretBinary"]).decode("utf-8")
        except (KeyError, TypeError, UnicodeDecodeError):
            failure = "the secret holds neither a SecretString nor UTF-8 SecretBinary"
        raise SecretProviderError(self.name, None, failure)


def _error_code(exc: BaseException) -> str | None:
    """The AWS error code of a botocore ClientError (None for other exceptions)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code is not None else None
    return None
