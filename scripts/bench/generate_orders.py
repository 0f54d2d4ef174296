"""Write a benchmark landing zone of any size, streaming: orders CSV (one file a day),
customers JSON lines and the demo's product catalogue (SQLite), in the demo's schema, with what
real feeds have: messy text, late updates of earlier orders (about 1% a day), exact duplicates,
and four bad rows.

Rows go to disk as they are made; memory stays flat (a fixed reservoir of earlier orders feeds
the late updates), so 20M rows need no more than 1M. Deterministic for a given size.

usage: python scripts/bench/generate_orders.py LANDING --orders 5000000 [--days 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from generate_demo_data import PRODUCTS, write_products  # noqa: E402

START = dt.date(2026, 1, 1)
CURRENCIES = ("EUR", "USD", "GBP")
MESSY = (" eur ", " usd ", " gbp ")
LATE_STATUSES = ("shipped", "delivered", "cancelled")
COUNTRIES = ("ES", "DE", "FR", "GB", "US", "MX")
# product_id last: the hand-written chain reads the first seven columns by position.
HEADER = "order_id,customer_id,order_date,amount,currency,status,updated_at,product_id\n"
RESERVOIR = 10_000
CHUNK = 50_000


def write_orders(landing: Path, orders: int, days: int, customers: int) -> int:
    """Write `orders` new orders over `days` files plus updates, duplicates, bad rows; returns
    the number of data lines written."""
    rng = random.Random(42)
    bits = rng.getrandbits
    folder = landing / "orders"
    folder.mkdir(parents=True, exist_ok=True)
    reservoir: list[list[str]] = []
    seq = lines = 0
    for offset in range(days):
        day = str(START + dt.timedelta(days=offset))
        per_day = orders // days + (1 if offset < orders % days else 0)
        with (folder / f"orders_{day}.csv").open("w") as fh:
            fh.write(HEADER)
            chunk: list[str] = []
            first = None
            for _ in range(per_day):
                seq += 1
                r = bits(64)
                cents = 500 + r % 49_500
                r //= 49_500
                cur, r = r % 3, r // 3
                messy, r = r % 100 < 15, r // 100
                row = [f"O{seq:09d}", f"C{1 + r % customers:06d}", day,
                       f"{cents // 100}.{cents % 100:02d}", MESSY[cur] if messy else CURRENCIES[cur],
                       " Placed" if messy else "placed",
                       f"{day}T{8 + (r >> 20) % 10:02d}:{(r >> 8) % 60:02d}:00",
                       f"P{1 + seq % 6:03d}"]
                line = ",".join(row) + "\n"
                chunk.append(line)
                first = first or line
                if len(reservoir) < RESERVOIR:
                    reservoir.append(row)
                elif r % (seq // RESERVOIR + 1) == 0:
                    reservoir[r % RESERVOIR] = row
                if len(chunk) >= CHUNK:
                    fh.write("".join(chunk))
                    lines += len(chunk)
                    chunk = []
            if offset >= 2:  # late updates of earlier orders: 1% of the day's volume
                for _ in range(max(2, per_day // 100)):
                    old = reservoir[rng.randrange(len(reservoir))]
                    if old[2] >= day:
                        continue
                    cents = int(old[3].replace(".", "")) + 100
                    old[3] = f"{cents // 100}.{cents % 100:02d}"
                    old[5] = LATE_STATUSES[rng.randrange(3)]
                    old[6] = f"{day}T23:{rng.randrange(60):02d}:00"
                    chunk.append(",".join(old) + "\n")
            chunk += [first or ""] * max(1, per_day // 1000)  # exact duplicates within the file
            chunk += _bad_row(offset, day)
            fh.write("".join(chunk))
            lines += len(chunk)
    return lines


def _bad_row(offset: int, day: str) -> list[str]:
    """The demo's four bad rows: a null key, an unparsable amount, a negative amount, an
    unknown currency, on days 2-5."""
    bad = {1: ",C000001,{d},10.00,EUR,placed,{d}T10:00:00,P001",
           2: "BAD-AMOUNT,C000001,{d},\"12,5O\",EUR,placed,{d}T10:00:00,P001",
           3: "BAD-NEGATIVE,C000001,{d},-5.00,EUR,placed,{d}T10:00:00,P001",
           4: "BAD-CURRENCY,C000001,{d},20.00,XYZ,placed,{d}T10:00:00,P001"}
    return [bad[offset].format(d=day) + "\n"] if offset in bad else []


def write_customers(landing: Path, customers: int, days: int) -> None:
    """Day 1: every customer; every third day: new versions of a quarter of them."""
    rng = random.Random(7)
    folder = landing / "customers"
    folder.mkdir(parents=True, exist_ok=True)
    base = [{"customer_id": f"C{i:06d}", "name": f"Customer {i}", "email": f"c{i}@example.com",
             "country": COUNTRIES[rng.randrange(6)], "updated_at": f"{START}T00:00:00"}
            for i in range(1, customers + 1)]
    files = {str(START): base}
    for offset in range(3, days, 3):
        day = START + dt.timedelta(days=offset)
        files[str(day)] = [dict(c, country=COUNTRIES[rng.randrange(6)],
                                email=f"  {c['email'].upper()} ", updated_at=f"{day}T06:00:00")
                           for c in rng.sample(base, k=max(1, customers // 4))]
    for day, rows in files.items():
        (folder / f"customers_{day}.jsonl").write_text(
            "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("landing", type=Path)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--customers", type=int, default=20_000)
    ns = parser.parse_args()
    lines = write_orders(ns.landing, ns.orders, ns.days, ns.customers)
    write_customers(ns.landing, ns.customers, ns.days)
    write_products(ns.landing / "products" / "shop.db", PRODUCTS)
    print(f"{lines:,} order lines over {ns.days} days, {ns.customers:,} customers in {ns.landing}")


if __name__ == "__main__":
    main()
