"""The demo's gold values computed straight from the landed files, in plain Python.

This is an independent implementation of the pipeline's semantics (conform, quarantine bad rows,
latest version per key, aggregate), so the test checks prodi against it, not against itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
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
                       "order_date": dt.date.fromisoformat(row["order_date"]), "amount": amount,
                       "currency": currency, "status": row["status"].strip().lower(),
                       "updated_at": row["updated_at"]}
                old = latest.get(order_id)
                if old is None or rec["updated_at"] >= old["updated_at"]:
                    latest[order_id] = rec
    return latest


def silver_customers(landing: Path) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for path in sorted((landing / "customers").glob("customers_*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            cid = row["customer_id"].strip()
            rec = {"customer_id": cid, "country": row["country"].strip().upper(),
                   "updated_at": row["updated_at"]}
            if cid not in latest or rec["updated_at"] >= latest[cid]["updated_at"]:
                latest[cid] = rec
    return latest


def daily_revenue(landing: Path) -> list[tuple]:
    acc: dict[tuple, list] = defaultdict(lambda: [0, Decimal("0")])
    for o in silver_orders(landing).values():
        if o["status"] == "cancelled":
            continue
        a = acc[(o["order_date"], o["currency"])]
        a[0] += 1
        a[1] += o["amount"]
    return sorted((d, c, n, total) for (d, c), (n, total) in acc.items())


def revenue_by_country(landing: Path) -> list[tuple]:
    customers = silver_customers(landing)
    acc: dict[tuple, list] = defaultdict(lambda: [0, Decimal("0")])
    for o in silver_orders(landing).values():
        if o["status"] == "cancelled":
            continue
        country = customers.get(o["customer_id"], {}).get("country", "UNKNOWN")
        a = acc[(country, o["currency"])]
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
