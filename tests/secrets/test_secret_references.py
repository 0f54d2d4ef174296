"""Parsing of the three reference syntaxes."""

from __future__ import annotations

import pytest

from prodi.secrets.errors import SecretError
from prodi.secrets.references import (
    MalformedSecretReference,
    SecretRef,
    find_references,
    has_reference,
    substitute,
)


@pytest.mark.parametrize(
    "text",
    ["<<secrets/pg/password>>", "{{secrets/pg/password}}", "${secret:pg/password}"],
)
def test_each_syntax_parses_to_the_same_scope_and_key(text: str) -> None:
    assert find_references(text) == [SecretRef("pg", "password", text)]
    assert find_references(text)[0].canonical == "<<secrets/pg/password>>"
    assert has_reference(text)


def test_references_embedded_in_longer_strings_in_order() -> None:
    text = "jdbc:postgresql://h/db?user={{secrets/pg/user}}&password=<<secrets/pg/pass.v2>>;x"
    refs = find_references(text)
    assert [(r.scope, r.key) for r in refs] == [("pg", "user"), ("pg", "pass.v2")]
    assert [r.text for r in refs] == ["{{secrets/pg/user}}", "<<secrets/pg/pass.v2>>"]


def test_names_allow_letters_digits_underscore_dot_dash() -> None:
    (ref,) = find_references("${secret:bars-eu_1/api.key-2}")
    assert (ref.scope, ref.key) == ("bars-eu_1", "api.key-2")


def test_plain_strings_have_no_reference() -> None:
    for text in ["", "plain", "secrets/pg/pw", "<<not a ref>>", "${oc.env:HOME}", "{{ jinja }}"]:
        assert find_references(text) == []
        assert not has_reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "<<secrets/pg>>",  # no key
        "<<secrets/pg/pw/extra>>",  # too many parts
        "{{secrets/pg/pass word}}",  # space in key
        "${secret:pg}",  # no key
        "${secrets:pg/pw}",  # wrong prefix
        "x=<<secret/pg/pw>> and more",  # singular inside a longer string
        "<<secrets/pg/pw>> then {{secrets/pg/}}",  # one good, one bad
    ],
)
def test_malformed_references_raise(text: str) -> None:
    with pytest.raises(MalformedSecretReference) as info:
        find_references(text)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, SecretError)
    assert "malformed secret reference" in str(info.value)


def test_substitute_replaces_every_reference() -> None:
    text = "u={{secrets/a/b}} p=<<secrets/a/c>> q=${secret:a/b}"
    out = substitute(text, lambda ref: f"[{ref.scope}.{ref.key}]")
    assert out == "u=[a.b] p=[a.c] q=[a.b]"
