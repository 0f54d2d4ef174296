"""The demo's gold values computed straight from the landed files, in plain Python.

This is an independent implementation of the pipeline's semantics (conform, quarantine bad rows,
latest version per key, aggregate), so the test checks prodi against it, not against itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

CURRENCIES = {"EUR", "USD", "GBP"}


def _amount(text: str | None) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def silver_orders(landing: Path) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for path in sorted((landing / "orders").glob("orders_*.csv")):
        with path.open(newline="") as fh:
            for row in csv.DictReader(fh):
                amount_text = row["amount"]
                if amount_text not in ("", None) and _amount(amount_text) is None:
                    continue  # bronze: unparsable amount
                order_id = (row["order_id"] or "").strip() or None
                currency = (row["currency"] or "").strip().upper()
                amount = _amount(amount_text)
                if order_id is None or amount is None or amount < 0 or currency not in CURRENCIES:
                    continue  # silver expectations
                rec = {"order_id": order_id, "customer_id": row["customer_id"].strip(),
                       "product_id": (row.get("product_id") or "").strip() or None,
                       "order_date": dt.date.fromisoformat(row["order_date"]), "amount": amount,
                       "currency": currency, "status": row["status"].strip().lower(),
                       "updated_at": row["updated_at"]}
                old = latest.get(order_id)
                if old is None or rec["updated_at"] >= old["updated_at"]:
                    latest[order_id] = rec
    return latest


def customer_history(landing: Path) -> list[tuple]:
    """silver.customers as SCD2: (customer_id, name, email, country, valid_from, valid_to), a
    new version when name or country changes, an email change applied in place; one delivered
    version per customer and timestamp, the last delivered."""
    delivered: dict[tuple, dict] = {}
    for path in sorted((landing / "customers").glob("customers_*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            rec = {"customer_id": row["customer_id"].strip(), "name": row["name"].strip(),
                   "email": row["email"].strip().lower(), "country": row["country"].strip().upper(),
                   "at": dt.datetime.fromisoformat(row["updated_at"])}
            delivered[(rec["customer_id"], rec["at"])] = rec
    versions: list[dict] = []
    for (cid, _), rec in sorted(delivered.items()):
        last = versions[-1] if versions and versions[-1]["customer_id"] == cid else None
        if last is not None and (last["name"], last["country"]) == (rec["name"], rec["country"]):
            last["email"] = rec["email"]
            continue
        if last is not None:
            last["valid_to"] = rec["at"]
        versions.append({**rec, "valid_from": rec["at"], "valid_to": None})
    return sorted((v["customer_id"], v["name"], v["email"], v["country"], v["valid_from"],
                   v["valid_to"]) for v in versions)


def _country_at(landing: Path):
    """customer id, moment -> the country of the version in effect then (None: no version)."""
    history = customer_history(landing)

    def country(cid: str, at: dt.datetime) -> str | None:
        return next((c for i, _, _, c, start, end in history
                     if i == cid and start < at and (end is None or end >= at)), None)
    return country


def daily_revenue(landing: Path) -> list[tuple]:
    acc: dict[tuple, list] = defaultdict(lambda: [0, Decimal("0")])
    for o in silver_orders(landing).values():
        if o["status"] == "cancelled":
            continue
        a = acc[(o["order_date"], o["currency"])]
        a[0] += 1
        a[1] += o["amount"]
    return sorted((d, c, n, total) for (d, c), (n, total) in acc.items())


def revenue_by_country(landing: Path, at_order: bool = False) -> list[tuple]:
    """Per customer country: the current one, or with `at_order` the one in effect at the end
    of the order date."""
    country_at = _country_at(landing)
    current = {c[0]: c[3] for c in customer_history(landing) if c[5] is None}
    acc: dict[tuple, list] = defaultdict(lambda: [0, Decimal("0")])
    for o in silver_orders(landing).values():
        if o["status"] == "cancelled":
            continue
        end_of_day = dt.datetime.combine(o["order_date"] + dt.timedelta(days=1), dt.time())
        country = country_at(o["customer_id"], end_of_day) if at_order else \
            current.get(o["customer_id"])
        a = acc[(country or "UNKNOWN", o["currency"])]
        a[0] += 1
        a[1] += o["amount"]
    return sorted((k, c, n, total) for (k, c), (n, total) in acc.items())


def revenue_by_country_at_order(landing: Path) -> list[tuple]:
    return revenue_by_country(landing, at_order=True)


def silver_products(landing: Path) -> dict[str, dict]:
    """The catalogue as the shop's database holds it: one current row per product."""
    with sqlite3.connect(landing / "products" / "shop.db") as con:
        rows = con.execute("SELECT product_id, name, category, unit_price, updated_at "
                           "FROM products").fetchall()
    con.close()
    return {pid.strip(): {"name": name.strip(), "category": category.strip().lower(),
                          "unit_price": Decimal(price), "updated_at": dt.datetime.fromisoformat(at)}
            for pid, name, category, price, at in rows}


def revenue_by_category(landing: Path) -> list[tuple]:
    """Per catalogue category of the ordered product ('unknown' when it isn't in the catalogue)."""
    products = silver_products(landing)
    acc: dict[tuple, list] = defaultdict(lambda: [0, Decimal("0")])
    for o in silver_orders(landing).values():
        if o["status"] == "cancelled":
            continue
        product = products.get(o["product_id"])
        a = acc[(product["category"] if product else "unknown", o["currency"])]
        a[0] += 1
        a[1] += o["amount"]
    return sorted((k, c, n, total) for (k, c), (n, total) in acc.items())


def _order_rules(row: dict) -> tuple[str, ...]:
    """The silver rules an order breaks, in the order the pipeline declares them (NULL fails)."""
    order_id = (row["order_id"] or "").strip() or None
    amount = _amount(row["amount"])
    broken = []
    if order_id is None:
        broken.append("order_id_present")
    if amount is None:
        broken += ["amount_present", "amount_not_negative"]
    elif amount < 0:
        broken.append("amount_not_negative")
    if (row["currency"] or "").strip().upper() not in CURRENCIES:
        broken.append("currency_known")
    if order_id is None:  # the key rule latest_per_key adds
        broken.append("key_order_id_not_null")
    if not row["updated_at"]:
        broken.append("sequence_updated_at_not_null")
    return tuple(broken)


def quarantine(landing: Path) -> dict[str, list[tuple]]:
    """(file, order id as the layer saw it, rules broken) of every quarantined order, per layer.

    bronze: a delivered amount that is no decimal, or needs rounding to fit decimal(12,2);
    silver: the expectations, on every version delivered (before the latest per key is kept).
    """
    found: dict[str, list[tuple]] = {"bronze": [], "silver": []}
    for path in sorted((landing / "orders").glob("orders_*.csv")):
        with path.open(newline="") as fh:
            for row in csv.DictReader(fh):
                text = row["amount"]
                if text not in ("", None):
                    try:
                        exact = Decimal(text)
                    except InvalidOperation:
                        found["bronze"].append((path.name, row["order_id"],
                                                ("amount_is_decimal(12,2)",)))
                        continue
                    if exact != exact.quantize(Decimal("0.01")):
                        found["bronze"].append((path.name, row["order_id"], (
                            "amount_fits_decimal(12,2)_without_rounding",)))
                        continue
                broken = _order_rules(row)
                if broken:
                    found["silver"].append((path.name, (row["order_id"] or "").strip() or None,
                                            broken))
    return {layer: sorted(rows, key=str) for layer, rows in found.items()}
