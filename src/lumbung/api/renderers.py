"""CSV for tabular endpoints (``?format=csv``): the rows of ``results`` (or the list itself).

Cells a spreadsheet would evaluate (leading ``= + - @``, tab, carriage return) are prefixed with
an apostrophe, as the OWASP CSV-injection guidance recommends; numbers are left alone.
"""

from __future__ import annotations

import csv
import io

from rest_framework import renderers

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def rows_of(data) -> list[dict]:
    if isinstance(data, dict) and "results" in data:
        data = data["results"]
    if isinstance(data, dict):
        data = [data]
    return [row for row in data if isinstance(row, dict)]


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rows = rows_of(data)
        columns: list[str] = []
        for row in rows:
            columns.extend(name for name in row if name not in columns)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(name)) for name in columns])
        return out.getvalue().encode("utf-8")
