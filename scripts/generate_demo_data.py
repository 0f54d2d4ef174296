"""Write the demo landing zone: orders (CSV, one file a day), customers (JSON lines) and the
shop's product catalogue (a SQLite database, read through JDBC).

Deterministic: the same bytes every run, so `make demo` can run it again and again. The data has
what real feeds have: duplicates, late updates of earlier orders, messy text, and bad rows
(a null key, an unparsable amount, a negative amount, an unknown currency).

usage: python scripts/generate_demo_data.py LANDING_DIR [--days N] [--orders-per-day N]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import sqlite3
from pathlib import Path

START = dt.date(2026, 1, 1)
CURRENCIES = ("EUR", "USD", "GBP")
STATUSES = ("placed", "shipped", "delivered", "cancelled")
COUNTRIES = ("ES", "DE", "FR", "GB", "US", "MX")
ORDER_FIELDS = ("order_id", "customer_id", "product_id", "order_date", "amount", "currency", "status",
                "updated_at")
# The catalogue as the shop's database holds it now: one row per product. P006 is ordered but not
# in the catalogue (an unknown category downstream).
PRODUCTS = (
    ("P001", "Espresso beans 1kg", "coffee", "18.50", "2026-01-01 00:00:00"),
    ("P002", "Green tea 100g", "tea", "6.00", "2026-01-01 00:00:00"),
    ("P003", "Moka pot", "equipment", "34.90", "2026-01-04 09:30:00"),
    ("P004", "Filter papers", "accessories", "3.20", "2026-01-01 00:00:00"),
    ("P005", "Oolong 100g", "tea", "9.75", "2026-01-02 12:00:00"),
)
PRODUCT_COLUMNS = ("product_id", "name", "category", "unit_price", "updated_at")


def customers(n: int) -> list[dict]:
    rng = random.Random(7)
    return [{"customer_id": f"C{i:04d}", "name": f"Customer {i}", "email": f"c{i}@example.com",
             "country": COUNTRIES[rng.randrange(len(COUNTRIES))],
             "updated_at": f"{START}T00:00:00"} for i in range(1, n + 1)]


def customer_files(n: int, days: int) -> dict[str, list[dict]]:
    """Day 1: every customer; later days: new versions of a few (moves, email fixes). The last
    file also carries a late version: a move on day 2 that the source system sent days later."""
    base = customers(n)
    files = {str(START): base}
    rng = random.Random(11)
    for offset in range(3, days, 3):
        day = START + dt.timedelta(days=offset)
        changed = []
        for c in rng.sample(base, k=max(1, n // 4)):
            v = dict(c, country=COUNTRIES[rng.randrange(len(COUNTRIES))],
                     email=f"  {c['email'].upper()} ", updated_at=f"{day}T06:00:00")
            changed.append(v)
        files[str(day)] = changed
    if len(files) >= 3:
        moved = files[str(START + dt.timedelta(days=3))][0]
        original = next(c for c in base if c["customer_id"] == moved["customer_id"])
        country = next(c for c in COUNTRIES if c not in (original["country"], moved["country"]))
        late = dict(original, country=country, updated_at=f"{START + dt.timedelta(days=1)}T12:00:00")
        files[max(files)].append(late)
    return files


def order_rows(days: int, per_day: int, n_customers: int) -> dict[str, list[dict]]:
    rng = random.Random(42)
    products = random.Random(3)  # its own stream: the other values stay as they were
    files: dict[str, list[dict]] = {}
    seq = 0
    history: list[dict] = []
    for offset in range(days):
        day = START + dt.timedelta(days=offset)
        rows = []
        for _ in range(per_day):
            seq += 1
            row = {"order_id": f"O{seq:06d}", "customer_id": f"C{rng.randrange(1, n_customers + 1):04d}",
                   "product_id": f"P{products.randrange(1, 7):03d}",
                   "order_date": str(day), "amount": f"{rng.randrange(500, 50000) / 100:.2f}",
                   "currency": CURRENCIES[rng.randrange(3)], "status": "placed",
                   "updated_at": f"{day}T{8 + rng.randrange(10):02d}:{rng.randrange(60):02d}:00"}
            if rng.random() < 0.15:  # messy text that silver conforms
                row["currency"] = f" {row['currency'].lower()} "
                row["status"] = " Placed"
            rows.append(row)
        history += [dict(r) for r in rows]
        if offset >= 2:  # late updates of orders from earlier days
            for old in rng.sample(history[: -per_day], k=2):
                update = dict(old, status=rng.choice(STATUSES[1:]),
                              amount=f"{float(old['amount']) + 1:.2f}",
                              updated_at=f"{day}T23:{rng.randrange(60):02d}:00")
                rows.append(update)
                old.update(update)
        rows.append(dict(rows[0]))  # an exact duplicate within the file
        if offset >= 1:  # a redelivered, unchanged order from the day before
            rows.append(dict(files[str(day - dt.timedelta(days=1))][1]))
        files[str(day)] = rows
    _bad_rows(files, days)
    return files


def _bad_rows(files: dict[str, list[dict]], days: int) -> None:
    day = lambda offset: str(START + dt.timedelta(days=offset % days))  # noqa: E731
    template = {"customer_id": "C0001", "product_id": "P001", "currency": "EUR", "status": "placed"}
    files[day(1)].append({**template, "order_id": "", "order_date": day(1), "amount": "10.00",
                          "updated_at": f"{day(1)}T10:00:00"})
    files[day(2)].append({**template, "order_id": "BAD-AMOUNT", "order_date": day(2),
                          "amount": "12,5O", "updated_at": f"{day(2)}T10:00:00"})
    files[day(3)].append({**template, "order_id": "BAD-NEGATIVE", "order_date": day(3),
                          "amount": "-5.00", "updated_at": f"{day(3)}T10:00:00"})
    files[day(4)].append({**template, "order_id": "BAD-CURRENCY", "order_date": day(4),
                          "amount": "20.00", "currency": "XYZ", "updated_at": f"{day(4)}T10:00:00"})


def write(landing: Path, days: int = 7, per_day: int = 8, n_customers: int = 12) -> list[Path]:
    """Write the landing files; returns their paths. Existing identical files are left as they are."""
    written = []
    for date, rows in order_rows(days, per_day, n_customers).items():
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=ORDER_FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        written.append(_put(landing / "orders" / f"orders_{date}.csv", buf.getvalue()))
    for date, rows in customer_files(n_customers, days).items():
        text = "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows)
        written.append(_put(landing / "customers" / f"customers_{date}.jsonl", text))
    written.append(write_products(landing / "products" / "shop.db", PRODUCTS))
    return written


def write_products(db: Path, rows: tuple[tuple[str, ...], ...]) -> Path:
    """The catalogue table in a SQLite database; left alone when it already holds these rows
    (the database changes only when the catalogue does, like a real one)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE IF NOT EXISTS products (product_id TEXT PRIMARY KEY, name TEXT, "
                    "category TEXT, unit_price TEXT, updated_at TEXT)")
        held = con.execute(f"SELECT {', '.join(PRODUCT_COLUMNS)} FROM products ORDER BY 1").fetchall()
        if held != sorted(rows):
            con.execute("DELETE FROM products")
            con.executemany("INSERT INTO products VALUES (?, ?, ?, ?, ?)", rows)
    con.close()
    return db


def _put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("landing", type=Path)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--orders-per-day", type=int, default=8)
    parser.add_argument("--customers", type=int, default=12)
    ns = parser.parse_args()
    files = write(ns.landing, ns.days, ns.orders_per_day, ns.customers)
    print(f"demo landing zone: {len(files)} files under {ns.landing}")


if __name__ == "__main__":
    main()
