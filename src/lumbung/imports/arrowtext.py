"""Typed columns (Parquet files, Arrow tables) turned into the text cells the validator reads.

Each column becomes text the way a person would read the value: a whole number stored as a float
(12.0) is "12", however large (1e20 is "100000000000000000000", which the validator then refuses as
too large, instead of silently overflowing to a missing value); a fraction keeps its fraction and
is refused later; ``inf`` stays "inf" (refused as not a number); NaN is a missing value, as pandas
writes missing floats. Values that have no text form (lists, structs, maps, bytes that are not
UTF-8) are *problems*: the cell is left empty and reported with its line and column, so a row that
uses such a column is rejected, never stored with the value missing.
"""

from __future__ import annotations

import decimal

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from lumbung.i18n import _

#: (line, column, value, reason) of a cell that could not be read.
Problem = tuple[int, str, "str | None", str]
#: int64 holds every whole float strictly below 2**63 exactly.
_INT64_LIMIT = 2.0 ** 63


def table_text(table: pa.Table, first_line: int = 2) -> tuple[dict[str, pa.Array], list[Problem]]:
    """Column name -> a string array of the same length, and the cells that could not be read."""
    columns: dict[str, pa.Array] = {}
    problems: list[Problem] = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        text, bad = column_text(array)
        columns[name] = text
        if bad is not None:
            problems += _problems(name, array, bad, first_line)
    return columns, problems


def column_text(array: pa.Array) -> tuple[pa.Array, np.ndarray | None]:
    """A string array, and a boolean mask of cells that could not be read (None when all could)."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        return column_text(array.dictionary_decode())
    if pa.types.is_null(kind):
        return pa.nulls(len(array), pa.large_string()), None
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return array.cast(pa.large_string()), None
    if pa.types.is_boolean(kind):
        return pc.if_else(array, "1", "0").cast(pa.large_string()), None
    if pa.types.is_integer(kind):
        return array.cast(pa.large_string()), None
    if pa.types.is_floating(kind):
        return _float_text(array.cast(pa.float64())), None
    if pa.types.is_decimal(kind):
        return pa.array([_decimal_text(v) for v in array.to_pylist()], pa.large_string()), None
    if _is_binary(kind):
        return _binary_text(array)
    if pa.types.is_temporal(kind):
        try:
            return array.cast(pa.large_string()), None
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
            pass
    # Nested and exotic types (list, struct, map, union, intervals...): no text form.
    bad = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    return pa.nulls(len(array), pa.large_string()), bad


def _is_binary(kind: pa.DataType) -> bool:
    return (pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind)
            or pa.types.is_binary_view(kind))


def _float_text(array: pa.Array) -> pa.Array:
    values = array.to_numpy(zero_copy_only=False)
    valid = ~np.isnan(values)  # nulls come back as NaN too
    finite = np.isfinite(values)
    whole = finite & (values == np.floor(np.where(finite, values, 0)))
    small = whole & (np.abs(values) < _INT64_LIMIT)
    text = pl.Series(values).cast(pl.String).to_numpy().astype(object)
    text[small] = pl.Series(values[small]).cast(pl.Int64).cast(pl.String).to_numpy()
    for index in np.flatnonzero(whole & ~small):
        text[index] = str(int(values[index]))
    text[~valid] = None
    return pa.array(text, pa.large_string())


def _decimal_text(value: decimal.Decimal | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if value == value.to_integral_value() else str(value)


def _binary_text(array: pa.Array) -> tuple[pa.Array, np.ndarray | None]:
    values = array.to_pylist()
    text: list[str | None] = []
    bad = np.zeros(len(values), dtype=bool)
    for index, value in enumerate(values):
        if value is None:
            text.append(None)
            continue
        try:
            text.append(bytes(value).decode("utf-8"))
        except UnicodeDecodeError:
            text.append(None)
            bad[index] = True
    return pa.array(text, pa.large_string()), (bad if bad.any() else None)


def _problems(name: str, array: pa.Array, bad: np.ndarray, first_line: int) -> list[Problem]:
    kind = array.type
    if _is_binary(kind):
        reason = _("{column} holds bytes that are not UTF-8 text").format(column=name)
    else:
        reason = _("{column} holds values of type {type}, which are not text or numbers").format(
            column=name, type=str(kind))
    out = []
    for index in np.flatnonzero(bad):
        value = array[int(index)].as_py()
        shown = repr(value)
        out.append((int(index) + first_line, name, shown[:60], reason))
    return out
