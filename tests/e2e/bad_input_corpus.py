"""A corpus of bad deliveries, written by code, each record with the fate a data engineer expects.

Every file is one case. Each record says where it must end up (the silver table, superseded by
a newer version of its key, or one of the quarantines with its reasons) and, for silver, its
final values. These are written by hand from the rules below, not computed with prodi's code.

Datasets share one schema: id string, amount decimal(12,2), currency string, updated_at
timestamp; silver trims id and currency, upper-cases currency, keeps the newest version per id
and quarantines rows without id or amount, with a negative amount, or an unknown currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

D1, D2 = "2026-03-01", "2026-03-02"
SILVER, SUPERSEDED, RAW_Q, BRONZE_Q, SILVER_Q = "silver", "superseded", "raw_q", "bronze_q", "silver_q"
HEADER = "id,amount,currency,updated_at"


@dataclass(frozen=True)
class Rec:
    """One delivered record: its id as silver would see it, its fate, the reasons, the value."""

    id: str | None
    fate: str = SILVER
    reasons: tuple[str, ...] = ()
    amount: str | None = None  # silver's amount, as a decimal text
    currency: str | None = None
    updated_at: str | None = None  # silver's timestamp, "YYYY-MM-DD HH:MM:SS" UTC
    rescued: str | None = None  # silver's _rescued_data JSON


@dataclass(frozen=True)
class File:
    dataset: str
    name: str
    content: bytes
    records: tuple[Rec, ...]
    ingested: bool = True  # False: listed but never read (undated name, refused redelivery)
    second_round: bytes | None = None  # new content delivered before the second run


@dataclass(frozen=True)
class Dataset:
    name: str
    fmt: str = "csv"
    glob: str = "*.csv"
    options: dict[str, str] = field(default_factory=lambda: {"header": "true"})
    source: dict[str, object] = field(default_factory=dict)  # extra landed_files options
    section: dict[str, object] = field(default_factory=dict)  # extra raw section keys
    round_amount: bool = False


DATASETS = [
    Dataset("csv_main"),
    Dataset("csv_semicolon", options={"header": "true", "sep": ";", "multiLine": "true"}),
    Dataset("csv_latin1", source={"encoding": "ISO-8859-1"}),
    Dataset("csv_add_columns", section={"on_schema_change": "add_columns"}),
    Dataset("csv_round", round_amount=True),
    Dataset("json_main", fmt="json", glob="*.jsonl", options={"primitivesAsString": "true"}),
    Dataset("csv_redeliver_warn"),
    Dataset("csv_redeliver_ingest", source={"on_redelivery": "ingest"}),
]

# Rules, as `_errors[].rule` names them.
PARSE_CSV, PARSE_JSON, UTF8 = "parseable_csv", "parseable_json", "decodes_as_utf_8"
HAS_COLS = "has_declared_columns"
AMOUNT_TYPE, AMOUNT_ROUND = "amount_is_decimal(12,2)", "amount_fits_decimal(12,2)_without_rounding"
TS_TYPE = "updated_at_is_timestamp"
ID, AMOUNT, NOT_NEG, CURRENCY = "id_present", "amount_present", "amount_not_negative", "currency_known"
KEY = "key_id_not_null"  # added by latest_per_key: a row without its key can't be matched
T1, T2 = "2026-03-01 10:00:00", "2026-03-02 10:00:00"


def ok(id_: str, amount: str = "1.00", currency: str = "EUR", ts: str = T1,
       rescued: str | None = None) -> Rec:
    return Rec(id_, SILVER, (), amount, currency, ts, rescued)


def q(fate: str, id_: str | None, *reasons: str) -> Rec:
    return Rec(id_, fate, tuple(reasons))


def csv(*lines: str, header: str = HEADER, eol: str = "\n") -> bytes:
    return eol.join([header, *lines, ""]).encode()


def row(id_: str, amount: str = "1.00", currency: str = "EUR", ts: str = "2026-03-01T10:00:00") -> str:
    return f"{id_},{amount},{currency},{ts}"


def files() -> list[File]:
    m = "csv_main"
    long_text = "X" * 10_000
    out = [
        File(m, f"a01_clean_{D1}.csv", csv(row("c01-1"), row("c01-2", "2.50", "USD")),
             (ok("c01-1"), ok("c01-2", "2.50", "USD"))),
        File(m, f"a02_reordered_{D1}.csv",
             csv("EUR,c02-1,3.00,2026-03-01T10:00:00", header="currency,id,amount,updated_at"),
             (ok("c02-1", "3.00"),)),
        File(m, f"a03_header_case_{D1}.csv",
             csv(row("c03-1"), header="ID, Amount ,CURRENCY,Updated_At"), (ok("c03-1"),)),
        File(m, f"a04_missing_column_{D1}.csv",
             csv("c04-1,1.00,2026-03-01T10:00:00", header="id,amount,updated_at"),
             (q(RAW_Q, "c04-1", HAS_COLS),)),
        File(m, f"a05_extra_column_{D1}.csv",
             csv(row("c05-1") + ",hello", header=HEADER + ",note"),
             (ok("c05-1", rescued='{"note":"hello"}'),)),
        File(m, f"a06_too_many_tokens_{D1}.csv", csv(row("c06-1"), row("c06-2") + ",surplus"),
             (ok("c06-1"), q(RAW_Q, None, PARSE_CSV))),
        File(m, f"a07_too_few_tokens_{D1}.csv", csv("c07-1,1.00", row("c07-2")),
             (q(RAW_Q, None, PARSE_CSV), ok("c07-2"))),
        File(m, f"a08_invalid_utf8_{D1}.csv",
             csv(row("c08-1")) + b"c08-2,1.00,E\xffR,2026-03-01T10:00:00\n",
             (ok("c08-1"), q(RAW_Q, None, UTF8))),
        File(m, f"a09_amount_not_a_number_{D1}.csv", csv(row("c09-1", "abc")),
             (q(BRONZE_Q, "c09-1", AMOUNT_TYPE),)),
        File(m, f"a10_amount_would_round_{D1}.csv", csv(row("c10-1", "12.345")),
             (q(BRONZE_Q, "c10-1", AMOUNT_ROUND),)),
        File(m, f"a11_bad_timestamp_{D1}.csv", csv(row("c11-1", ts="yesterday")),
             (q(BRONZE_Q, "c11-1", TS_TYPE),)),
        File(m, f"a12_no_id_{D1}.csv", csv(row("")), (q(SILVER_Q, None, ID, KEY),)),
        File(m, f"a13_unknown_currency_{D1}.csv", csv(row("c13-1", currency="XYZ")),
             (q(SILVER_Q, "c13-1", CURRENCY),)),
        # NULL breaks every rule that reads it: a missing amount is not "not negative" either
        File(m, f"a14_no_amount_{D1}.csv", csv(row("c14-1", "")),
             (q(SILVER_Q, "c14-1", AMOUNT, NOT_NEG),)),
        File(m, f"a15_three_rules_{D1}.csv", csv(row("c15-1", "", "XYZ")),
             (q(SILVER_Q, "c15-1", AMOUNT, NOT_NEG, CURRENCY),)),
        File(m, f"a16_negative_{D1}.csv", csv(row("c16-1", "-5.00")),
             (q(SILVER_Q, "c16-1", NOT_NEG),)),
        File(m, f"a17_duplicate_row_{D1}.csv", csv(row("c17-1"), row("c17-1")),
             (ok("c17-1"), q(SUPERSEDED, "c17-1"))),
        File(m, f"a18_late_update_{D1}.csv", csv(row("c18-1", "1.00")),
             (q(SUPERSEDED, "c18-1"),)),
        File(m, f"a18_late_update_{D2}.csv", csv(row("c18-1", "9.00", ts="2026-03-02T10:00:00")),
             (ok("c18-1", "9.00", ts=T2),)),
        File(m, f"a19_older_version_later_{D1}.csv",
             csv(row("c19-1", "7.00", ts="2026-03-02T10:00:00")), (ok("c19-1", "7.00", ts=T2),)),
        File(m, f"a19_older_version_later_{D2}.csv", csv(row("c19-1", "3.00")),
             (q(SUPERSEDED, "c19-1"),)),
        File(m, f"a20_empty_{D1}.csv", b"", ()),
        File(m, f"a21_header_only_{D1}.csv", csv(), ()),
        File(m, "a22_undated.csv", csv(row("c22-1")), (), ingested=False),
        File(m, f"a23_huge_text_{D1}.csv", csv(row("c23-1", currency=long_text)),
             (q(SILVER_Q, "c23-1", CURRENCY),)),
        File(m, f"a24_huge_number_{D1}.csv", csv(row("c24-1", "1e40")),
             (q(BRONZE_Q, "c24-1", AMOUNT_TYPE),)),
        File(m, f"a25_embedded_quotes_{D1}.csv", csv('"c25 ""q""",1.00,EUR,2026-03-01T10:00:00'),
             (ok('c25 "q"'),)),
        File(m, f"a26_bom_{D1}.csv", b"\xef\xbb\xbf" + csv(row("c26-1")), (ok("c26-1"),)),
        File(m, f"a27_crlf_{D1}.csv", csv(row("c27-1"), row("c27-2"), eol="\r\n"),
             (ok("c27-1"), ok("c27-2"))),
        File(m, f"a28_padded_values_{D1}.csv", csv("  c28-1 ,1.00,  eur ,2026-03-01T10:00:00"),
             (ok("c28-1"),)),
        File(m, f"a29_leading_zeros_{D1}.csv", csv(row("007")), (ok("007"),)),
        File(m, f"a30_thousands_separator_{D1}.csv",
             csv('c30-1,"1,234.50",EUR,2026-03-01T10:00:00'), (q(BRONZE_Q, "c30-1", AMOUNT_TYPE),)),
        File(m, f"a31_all_bad_{D1}.csv", csv(row("c31-1", "x"), row("c31-2", "y")),
             (q(BRONZE_Q, "c31-1", AMOUNT_TYPE), q(BRONZE_Q, "c31-2", AMOUNT_TYPE))),
        File(m, f"a32_unicode_{D1}.csv", csv(row("c32-ü-😀")), (ok("c32-ü-😀"),)),
        File(m, f"a33_newline_without_multiline_{D1}.csv",
             csv('c33-1,"1.\n00",EUR,2026-03-01T10:00:00'),
             (q(RAW_Q, None, PARSE_CSV), q(RAW_Q, None, PARSE_CSV))),
        File(m, f"a34_timestamp_offset_{D1}.csv", csv(row("c34-1", ts="2026-03-01T10:00:00+02:00")),
             (ok("c34-1", ts="2026-03-01 08:00:00"),)),
        File(m, f"a35_trailing_delimiter_{D1}.csv", csv(row("c35-1") + ",", header=HEADER + ","),
             (ok("c35-1"),)),
        File(m, f"a36_extra_and_missing_{D1}.csv",
             csv("c36-1,1.00,x", header="id,amount,surplus"), (q(RAW_Q, "c36-1", HAS_COLS),)),
        # semicolons and embedded newlines with multiLine
        File("csv_semicolon", f"b01_semicolon_{D1}.csv",
             csv("b01-1;4.00;GBP;2026-03-01T10:00:00", header="id;amount;currency;updated_at"),
             (ok("b01-1", "4.00", "GBP"),)),
        File("csv_semicolon", f"b02_multiline_{D1}.csv",
             csv('"b02\n1";1.00;EUR;2026-03-01T10:00:00', header="id;amount;currency;updated_at"),
             (ok("b02\n1"),)),
        # a declared encoding
        File("csv_latin1", f"c01_latin1_{D1}.csv", csv(row("café-1")).replace(b"\xc3\xa9", b"\xe9"),
             (ok("café-1"),)),
        # add_columns keeps undeclared columns in raw, rescue is not applied
        File("csv_add_columns", f"d01_extra_{D1}.csv", csv(row("d01-1") + ",web", header=HEADER + ",channel"),
             (ok("d01-1"),)),
        File("csv_add_columns", f"d02_missing_{D1}.csv",
             csv("d02-1,1.00,2026-03-01T10:00:00", header="id,amount,updated_at"),
             (q(RAW_Q, "d02-1", HAS_COLS),)),
        # on_precision_loss: round
        File("csv_round", f"e01_rounded_{D1}.csv", csv(row("e01-1", "12.345")), (ok("e01-1", "12.35"),)),
        # JSON lines
        File("json_main", f"f01_clean_{D1}.jsonl",
             b'{"id":"f01-1","amount":"1.00","currency":"EUR","updated_at":"2026-03-01T10:00:00"}\n',
             (ok("f01-1"),)),
        File("json_main", f"f02_malformed_{D1}.jsonl",
             b'{"id":"f02-1","amount":"1.00","currency":"EUR","updated_at":"2026-03-01T10:00:00"}\n'
             b'{"id": "f02-2", "amount": \n', (ok("f02-1"), q(RAW_Q, None, PARSE_JSON))),
        File("json_main", f"f03_extra_field_{D1}.jsonl",
             b'{"id":"f03-1","amount":"1.00","currency":"EUR","updated_at":"2026-03-01T10:00:00",'
             b'"tag":"x"}\n', (ok("f03-1", rescued='{"tag":"x"}'),)),
        File("json_main", f"f04_missing_field_{D1}.jsonl",
             b'{"id":"f04-1","currency":"EUR","updated_at":"2026-03-01T10:00:00"}\n',
             (q(SILVER_Q, "f04-1", AMOUNT, NOT_NEG),)),
        File("json_main", f"f05_field_case_{D1}.jsonl",
             b'{"ID":"f05-1","Amount":"2.00","currency":"EUR","updated_at":"2026-03-01T10:00:00"}\n',
             (ok("f05-1", "2.00"),)),
        File("json_main", f"f06_nested_value_{D1}.jsonl",
             b'{"id":"f06-1","amount":"1.00","currency":{"code":"EUR"},'
             b'"updated_at":"2026-03-01T10:00:00"}\n', (q(SILVER_Q, "f06-1", CURRENCY),)),
        # the JSON parser itself rejects the line: it is kept as its raw text
        File("json_main", f"f07_invalid_utf8_{D1}.jsonl",
             b'{"id":"f07-1","amount":"1.00","currency":"E\xffR","updated_at":"2026-03-01T10:00:00"}\n',
             (q(RAW_Q, None, PARSE_JSON),)),
        File("json_main", f"f08_json_number_{D1}.jsonl",
             b'{"id":"f08-1","amount":12.5,"currency":"EUR","updated_at":"2026-03-01T10:00:00"}\n',
             (ok("f08-1", "12.50"),)),
        File("json_main", f"f09_empty_{D1}.jsonl", b"", ()),
        # re-deliveries: the second round changes the content under the same name
        File("csv_redeliver_warn", f"g01_changed_{D1}.csv", csv(row("g01-1", "1.00")),
             (ok("g01-1", "1.00"),), second_round=csv(row("g01-1", "5.00", ts="2026-03-01T11:00:00"))),
        File("csv_redeliver_warn", f"g02_unchanged_{D1}.csv", csv(row("g02-1")), (ok("g02-1"),)),
        File("csv_redeliver_ingest", f"h01_corrected_{D1}.csv", csv(row("h01-1", "1.00")),
             (q(SUPERSEDED, "h01-1"),),
             second_round=csv(row("h01-1", "5.00", ts="2026-03-01T11:00:00"))),
    ]
    return out


# What the second round adds for `on_redelivery: ingest` (the first round's record is superseded).
SECOND_ROUND_RECORDS = {f"h01_corrected_{D1}.csv": (ok("h01-1", "5.00", ts="2026-03-01 11:00:00"),)}


def decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
