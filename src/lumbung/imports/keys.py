"""How rows of one enterprise are recognised across imports, without the database: a source and
its source ID, or the NIB (docs/import.md, "Matching"). The registry's writer and the import
check share these so the key is written once."""

from __future__ import annotations

import polars as pl

#: Column of the enterprise key of each row.
KEY = "_key"
#: The source a row's source_id belongs to (the import's source, or the exported file's own).
SOURCE = "_source"


def enterprise_key() -> pl.Expr:
    """"id:<source>:<source_id>" or "nib:<nib>": how rows of one enterprise are recognised (the
    rows carry their source in ``_source``; see :func:`with_source`)."""
    sid = pl.col("source_id")
    return (pl.when(sid.is_not_null()).then(pl.lit("id:") + pl.col(SOURCE) + pl.lit(":") + sid)
            .otherwise(pl.lit("nib:") + pl.col("nib")))


def with_source(rows: pl.DataFrame, source: str, own: pl.Series | None = None) -> pl.DataFrame:
    """Add ``_source``: the row's own source (``own``, a file's ``lumbung_source`` column aligned
    with ``rows``) where given, else the import's ``source``."""
    default = pl.lit(source, dtype=pl.String)
    if own is None:
        return rows.with_columns(default.alias(SOURCE))
    return rows.with_columns(pl.coalesce(own.cast(pl.String), default).alias(SOURCE))
