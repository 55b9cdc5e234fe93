"""Writing a population to .csv, .parquet or .xlsx, byte for byte the same for the same table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter

from lumbung.i18n import _

FORMATS = (".csv", ".parquet", ".xlsx")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit (1,048,576 rows) less the header
#: Fixed document date for .xlsx files so that the same table gives the same bytes.
XLSX_CREATED = dt.datetime(2000, 1, 1)


def write(table: pa.Table, path: str | Path) -> Path:
    """Write ``table`` to ``path``; the suffix (.csv, .parquet, .xlsx) chooses the format.

    CSV: UTF-8, comma-separated, header row, booleans as true/false, missing cells empty.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(_("unknown output format {suffix!r}: use .csv, .parquet or .xlsx").format(suffix=path.suffix))
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        pacsv.write_csv(table, path, pacsv.WriteOptions(include_header=True, batch_size=65536))
    elif suffix == ".parquet":
        pq.write_table(table, path, compression="zstd", row_group_size=1_000_000)
    else:
        _write_xlsx(table, path)
    return path


def _write_xlsx(table: pa.Table, path: Path) -> None:
    if table.num_rows > XLSX_MAX_ROWS:
        raise ValueError(
            _("{rows} rows do not fit in one Excel sheet (at most {limit}); write .csv or .parquet").format(
                rows=table.num_rows, limit=XLSX_MAX_ROWS
            )
        )
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    workbook.set_properties({"created": XLSX_CREATED})
    sheet = workbook.add_worksheet("data")
    for col, name in enumerate(table.column_names):
        sheet.write_string(0, col, name)
    row = 1
    for batch in table.to_batches(max_chunksize=10_000):
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        for values in zip(*columns, strict=True):
            for col, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(row, col, value)
                elif isinstance(value, int):
                    sheet.write_number(row, col, value)
                else:
                    sheet.write_string(row, col, value)
            row += 1
    workbook.close()
