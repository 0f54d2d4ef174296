"""The demo chain written by hand in PySpark, the way a good data engineer would: one session,
no framework, explicit schemas, no extra actions. prodi's benchmark runs it beside prodi on the
same landing data and Spark settings, and checks that both give equal gold tables.

raw (files as text + source file, landed date, ingestion time) -> bronze (typed; rows whose
values don't cast go to a quarantine table) -> silver (cleaned, expectations, latest version
per key, MERGE newer-wins) -> gold (the two demo marts).

usage: python scripts/bench/hand_written.py LANDING LAKEHOUSE [--conf key=value ...]
"""

from __future__ import annotations

import argparse
import time

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from prodi.runtime.session import get_session

ORDER_COLUMNS = ("order_id", "customer_id", "order_date", "amount", "currency", "status",
                 "updated_at")
CUSTOMER_COLUMNS = ("customer_id", "name", "email", "country", "updated_at")
DATE_IN_NAME = r"(\d{4}-\d{2}-\d{2})"


def raw(spark: SparkSession, landing: str, lakehouse: str) -> None:
    schema = ", ".join(f"`{c}` STRING" for c in ORDER_COLUMNS)
    orders = spark.read.csv(f"{landing}/orders/orders_*.csv", header=True, schema=schema)
    customers = spark.read.schema(", ".join(f"`{c}` STRING" for c in CUSTOMER_COLUMNS)) \
        .json(f"{landing}/customers/customers_*.jsonl")
    for name, df in (("orders", orders), ("customers", customers)):
        (df.withColumn("_source_file", F.input_file_name())
         .withColumn("_row_order", F.monotonically_increasing_id())  # later lines win ties
         .withColumn("_landed_date", F.regexp_extract("_source_file", DATE_IN_NAME, 1))
         .withColumn("_ingested_at", F.current_timestamp())
         .write.format("delta").mode("append").partitionBy("_landed_date")
         .save(f"{lakehouse}/raw/{name}"))


def _typed(df: DataFrame, types: dict[str, str]) -> tuple[DataFrame, DataFrame]:
    """(rows whose every value casts to its type, unrounded, the rest)."""
    bad = F.lit(False)
    for column, kind in types.items():
        value = F.col(column)
        cast = value.cast(kind)
        lost = cast.isNull()
        if kind.startswith("decimal"):
            lost = lost | (value.cast("decimal(38,18)") != cast)
        bad = bad | (value.isNotNull() & (F.trim(value) != "") & lost)
    typed = df.withColumn("_bad", bad)
    good = typed.where(~F.col("_bad")).select(
        *[F.col(c).cast(t).alias(c) if c in types else F.col(c) for c, t in
          [(c, types.get(c)) for c in df.columns]])
    return good, typed.where("_bad").drop("_bad")


def bronze(spark: SparkSession, lakehouse: str) -> None:
    types = {"orders": {"order_date": "date", "amount": "decimal(12,2)", "updated_at": "timestamp"},
             "customers": {"updated_at": "timestamp"}}
    for name, kinds in types.items():
        good, bad = _typed(spark.read.format("delta").load(f"{lakehouse}/raw/{name}"), kinds)
        good.write.format("delta").mode("overwrite").partitionBy("_landed_date") \
            .save(f"{lakehouse}/bronze/{name}")
        bad.write.format("delta").mode("overwrite").save(f"{lakehouse}/quarantine/bronze/{name}")


def _latest(df: DataFrame, key: str) -> DataFrame:
    order = Window.partitionBy(key).orderBy(F.col("updated_at").desc_nulls_last(),
                                            F.col("_landed_date").desc(),
                                            F.col("_ingested_at").desc(),
                                            F.col("_source_file").desc(),
                                            F.col("_row_order").desc())
    return df.withColumn("_rank", F.row_number().over(order)).where("_rank = 1").drop("_rank")


def _merge(df: DataFrame, target: str, key: str, partition_by: list[str]) -> None:
    spark = df.sparkSession
    if not DeltaTable.isDeltaTable(spark, target):
        df.write.format("delta").partitionBy(*partition_by).save(target)
        return
    (DeltaTable.forPath(spark, target).alias("t")
     .merge(df.alias("s"), f"t.{key} = s.{key}")
     .whenMatchedUpdateAll(condition="s.updated_at > t.updated_at OR t.updated_at IS NULL")
     .whenNotMatchedInsertAll().execute())


def silver(spark: SparkSession, lakehouse: str) -> None:
    orders = spark.read.format("delta").load(f"{lakehouse}/bronze/orders")
    orders = orders.select(
        F.nullif(F.trim("order_id"), F.lit("")).alias("order_id"),
        F.nullif(F.trim("customer_id"), F.lit("")).alias("customer_id"),
        "order_date", "amount", F.upper(F.trim("currency")).alias("currency"),
        F.lower(F.trim("status")).alias("status"), "updated_at",
        "_source_file", "_landed_date", "_ingested_at", "_row_order")
    valid = (F.col("order_id").isNotNull() & F.col("amount").isNotNull() & (F.col("amount") >= 0)
             & F.col("currency").isin("EUR", "USD", "GBP"))
    valid = F.coalesce(valid, F.lit(False))
    orders.where(~valid).write.format("delta").mode("overwrite") \
        .save(f"{lakehouse}/quarantine/silver/orders")
    _merge(_latest(orders.where(valid), "order_id"), f"{lakehouse}/silver/orders", "order_id",
           ["order_date"])

    customers = spark.read.format("delta").load(f"{lakehouse}/bronze/customers")
    customers = customers.select(
        F.trim("customer_id").alias("customer_id"), F.trim("name").alias("name"),
        F.lower(F.trim("email")).alias("email"), F.upper(F.trim("country")).alias("country"),
        "updated_at", "_source_file", "_landed_date", "_ingested_at", "_row_order")
    _merge(_latest(customers.where(F.col("customer_id").isNotNull()), "customer_id"),
           f"{lakehouse}/silver/customers", "customer_id", [])


MARTS = {
    "daily_revenue": """
        SELECT order_date, currency, COUNT(*) AS orders, CAST(SUM(amount) AS DECIMAL(14,2)) AS revenue
        FROM orders WHERE status <> 'cancelled' GROUP BY order_date, currency""",
    "revenue_by_country": """
        SELECT COALESCE(c.country, 'UNKNOWN') AS country, o.currency,
               COUNT(*) AS orders, CAST(SUM(o.amount) AS DECIMAL(14,2)) AS revenue
        FROM orders o LEFT JOIN customers c ON o.customer_id = c.customer_id
        WHERE o.status <> 'cancelled' GROUP BY COALESCE(c.country, 'UNKNOWN'), o.currency""",
}


def gold(spark: SparkSession, lakehouse: str) -> None:
    for name in ("orders", "customers"):
        spark.read.format("delta").load(f"{lakehouse}/silver/{name}").createOrReplaceTempView(name)
    for mart, sql in MARTS.items():
        spark.sql(sql).write.format("delta").mode("overwrite").save(f"{lakehouse}/gold/{mart}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("landing")
    parser.add_argument("lakehouse")
    parser.add_argument("--conf", action="append", default=[], help="Spark conf key=value")
    ns = parser.parse_args()
    conf = dict(c.split("=", 1) for c in ns.conf)
    spark = get_session(conf.pop("spark.master", "local[*]"), "hand-written", conf)
    for layer in (raw, bronze, silver, gold):
        started = time.monotonic()
        layer(spark, *((ns.landing, ns.lakehouse) if layer is raw else (ns.lakehouse,)))
        print(f"{layer.__name__}: {time.monotonic() - started:.1f}s", flush=True)


if __name__ == "__main__":
    main()
