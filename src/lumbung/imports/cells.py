"""Text cells that a spreadsheet would evaluate, made harmless on the way out and restored on the
way back in (OWASP, "CSV Injection": a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is read as a formula by Excel, LibreOffice and Google Sheets; the advice is to
prefix it with a single quote).

The prefix is made reversible by also prefixing a text that already starts with a quote: then
every exported text that starts with a quote carries exactly one added quote, and the import of a
Lumbung export removes it (``restore``), so export -> import -> export is the identity and the
stored text is the text that was exported.

>>> import polars as pl
>>> frame = pl.DataFrame({"name": ["=HYPERLINK(1)", "'quoted", "Tahu", None]})
>>> out = frame.select(neutralise(pl.col("name")))["name"].to_list()
>>> out
["'=HYPERLINK(1)", "''quoted", 'Tahu', None]
>>> pl.DataFrame({"name": out}).select(restore(pl.col("name")))["name"].to_list() == frame["name"].to_list()
True
"""

from __future__ import annotations

import polars as pl

#: Leading characters a spreadsheet evaluates (OWASP), and the quote itself (see above).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
_LEADING = r"^([=+\-@\t\r'])"


def neutralise(text: pl.Expr) -> pl.Expr:
    """``text`` with a quote in front wherever it starts with one of :data:`TRIGGERS`."""
    return text.str.replace(_LEADING, "'$1")


def restore(text: pl.Expr) -> pl.Expr:
    """The inverse of :func:`neutralise`: one leading quote removed."""
    return text.str.replace("^'", "")


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of ``frame`` neutralised."""
    return frame.with_columns([neutralise(pl.col(c)).alias(c) for c, t in frame.schema.items() if t == pl.String])


def restore_frame(frame: pl.DataFrame, columns) -> pl.DataFrame:
    """``columns`` (those of ``frame`` that are text) restored."""
    return frame.with_columns([restore(pl.col(c)).alias(c) for c in columns
                               if c in frame.columns and frame.schema[c] == pl.String])
