"""Indicators on Spark: the same catalogue entries, compiled by the same code (sqlglot, dialect
"spark"), over the same Parquet partitions that ``lumbung analytics build`` writes.

For a ministry that already runs a Spark cluster: ``compute(..., engine="spark",
spark_master="spark://host:7077")`` or ``lumbung indicators ... --engine spark --spark-master URL``.
The files must be readable under the same path by the cluster's executors (a shared file system
or an object store path as LUMBUNG_HOME); docs/indicators.md ("Spark") shows the set-up. The
result comes back as the same wide table as DuckDB's, so the long format and disclosure control
(lumbung.indicators.disclosure) are applied to it the same way.

pyspark is the optional ``scale`` extra; this module is imported only when Spark is asked for
(lumbung.indicators.engine.ENGINES).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from pyspark.sql import SparkSession

from lumbung.indicators.session import VIEW
from lumbung.indicators.sqlgen import transpile

APP_NAME = "lumbung-indicators"
#: Spark settings for one query: Arrow for the transfer of the (small) result to pandas; the
#: session time zone fixed, so that nothing depends on the machine's.
CONFIG = {
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
}
#: On a local master (one machine) a few shuffle partitions instead of Spark's 200: the grouped
#: cells are small, and each partition is a task to schedule.
LOCAL_CONFIG = {"spark.sql.shuffle.partitions": "4", "spark.ui.enabled": "false"}


def spark_session(master: str | None = None) -> SparkSession:
    """The Spark session of this process (created on first use). ``master``: e.g. ``local[2]`` or
    ``spark://host:7077``; None leaves it to Spark's own configuration (``spark-defaults.conf``,
    ``spark-submit --master``), which is ``local[*]`` when nothing is set."""
    builder = SparkSession.builder.appName(APP_NAME)
    if master:
        builder = builder.master(master)
    local = (master or "local").startswith("local")
    for key, value in {**CONFIG, **(LOCAL_CONFIG if local else {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def run_wide(sql: str, files: Sequence[Path | str], master: str | None = None) -> pd.DataFrame:
    """The engine interface (lumbung.indicators.engine.ENGINES): a compiled plan (DuckDB
    dialect, transpiled here to Spark SQL) over Parquet ``files``, one row per cell."""
    spark = spark_session(master)
    # mergeSchema: partitions of different builds may differ in their columns, as with DuckDB's
    # union_by_name; paths are files, so Spark infers no partition column from year=YYYY.
    frame = spark.read.option("mergeSchema", "true").parquet(*[str(f) for f in files])
    frame.createOrReplaceTempView(VIEW)
    return spark.sql(transpile(sql, "spark", pretty=False)).toPandas()
