"""Redaction of recorded values in raw, URL-encoded and base64 forms."""

from __future__ import annotations

import base64
import threading
from urllib.parse import quote, quote_plus

import pytest

from prodi.secrets.vault import SecretVault

SECRET = "p@ss w/rd+?=&ü"


def _vault(*values: str) -> SecretVault:
    vault = SecretVault()
    for value in values:
        vault.add(value)
    return vault


def _b64_forms(value: str) -> list[str]:
    raw = value.encode()
    forms = [base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()]
    return forms + [f.rstrip("=") for f in forms]


@pytest.mark.parametrize(
    "form",
    [SECRET, quote(SECRET), quote(SECRET, safe=""), quote_plus(SECRET), *_b64_forms(SECRET)],
)
def test_every_form_is_masked(form: str) -> None:
    text = f"jdbc:postgresql://h/db?password={form}&ssl=true"
    redacted = _vault(SECRET).redact(text)
    assert redacted == "jdbc:postgresql://h/db?password=***&ssl=true"


def test_base64_forms_differ_between_alphabets() -> None:
    value = "\xff\xfe>>??"  # bytes whose base64 holds + and /, urlsafe holds - and _
    std, urlsafe = (
        base64.b64encode(value.encode()).decode(),
        base64.urlsafe_b64encode(value.encode()).decode(),
    )
    assert std != urlsafe
    vault = _vault(value)
    assert vault.redact(f"a {std} b {urlsafe} c") == "a *** b *** c"


def test_longest_value_first() -> None:
    vault = _vault("abc", "abcdef")
    assert vault.redact("x abcdef y abc") == "x *** y ***"


def test_several_values_and_repeats() -> None:
    vault = _vault("one-secret", "two-secret")
    assert vault.redact("one-secret two-secret one-secret") == "*** *** ***"


def test_empty_values_are_ignored_and_text_is_unchanged_without_values() -> None:
    vault = _vault("")
    assert len(vault) == 0
    assert vault.redact("nothing to hide") == "nothing to hide"


def test_regex_metacharacters_are_literal() -> None:
    vault = _vault("a.*b(c)")
    assert vault.redact("axxb a.*b(c)") == "axxb ***"


def test_repr_shows_no_value() -> None:
    vault = _vault("hunter2")
    assert "hunter2" not in repr(vault) and "1" in repr(vault)


def test_concurrent_add_and_redact() -> None:
    vault = SecretVault()
    values = [f"secret-{i:03d}" for i in range(200)]

    def add_all() -> None:
        for value in values:
            vault.add(value)

    threads = [threading.Thread(target=add_all) for _ in range(4)]
    for t in threads:
        t.start()
    for _ in range(200):
        vault.redact("secret-001 secret-199")
    for t in threads:
        t.join()
    assert vault.redact(" ".join(values)) == " ".join(["***"] * len(values))
