"""Failure notifications of a job: e-mail addresses and notification-destination webhooks.

They come from the command line and, when the env config has it, from the optional section

    databricks:
      on_failure:
        emails: [data-oncall@example.com]
        webhooks: [<notification destination id>]

of `conf/env/<env>.yaml` (`env.databricks.on_failure` of the typed config).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from prodi.model.errors import ConfigError
from prodi.model.schema.app import FailureNotificationsSpec


@dataclass(frozen=True)
class FailureNotifications:
    """Who hears about a failed run: e-mail addresses and webhook destination ids."""

    emails: tuple[str, ...] = ()
    webhooks: tuple[str, ...] = ()

    def merged(self, other: FailureNotifications) -> FailureNotifications:
        """Both sets of recipients, each once, in first-seen order."""
        return FailureNotifications(_unique([*self.emails, *other.emails]),
                                    _unique([*self.webhooks, *other.webhooks]))

    def job_settings(self) -> dict[str, Any]:
        """The `email_notifications` / `webhook_notifications` keys of Jobs API 2.1 settings."""
        settings: dict[str, Any] = {}
        if self.emails:
            settings["email_notifications"] = {"on_failure": list(self.emails)}
        if self.webhooks:
            settings["webhook_notifications"] = {"on_failure": [{"id": w} for w in self.webhooks]}
        return settings


def from_flags(emails: Iterable[str], webhooks: Iterable[str]) -> FailureNotifications:
    """Recipients given as `--notify-email` / `--notify-webhook`; rejects malformed values."""
    emails, webhooks = list(emails), list(webhooks)
    for email in emails:
        if "@" not in email.strip("@") or any(c.isspace() for c in email):
            raise ConfigError("--notify-email", "an e-mail address like oncall@example.com",
                              repr(email), source="command line")
    for hook in webhooks:
        if not hook.strip() or any(c.isspace() for c in hook):
            raise ConfigError("--notify-webhook", "a notification destination id (no spaces)",
                              repr(hook), source="command line")
    return FailureNotifications(_unique(emails), _unique(webhooks))


def from_config(spec: FailureNotificationsSpec) -> FailureNotifications:
    """Recipients from the env's `databricks.on_failure` section (validated by the schema)."""
    return FailureNotifications(_unique(spec.emails), _unique(spec.webhooks))


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values))
