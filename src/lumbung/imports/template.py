"""The import template: the column header (CSV), or a workbook with a styled header and a second
sheet that documents every column in Indonesian and English (XLSX)."""

from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter

from lumbung import vocabulary as F
from lumbung.i18n import _
from lumbung.imports import spellings as V

#: Identifier columns kept as text in Excel: it would drop leading zeros and round 16-digit NIKs.
TEXT_COLUMNS = ("source_id", "nib", "owner_nik", "region_code", "kbli")
DOC_HEADER = ("kolom / column", "keterangan", "meaning", "satuan / unit", "nilai yang diterima / accepted values",
              "nama lain / aliases", "wajib / required")


def column_docs() -> list[tuple[str, ...]]:
    """One row per template column: name, Indonesian label, English label, unit, accepted, aliases, required."""
    return [(f.name, f.label_id, f.label_en, f.unit or "-", V.accepted_values(f), ", ".join(f.aliases) or "-",
             "ya / yes" if f.required else "-") for f in F.TEMPLATE_FIELDS]


def write_template(path) -> Path:
    """Write the empty template to ``path`` (.csv or .xlsx) and return the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerow(F.TEMPLATE_COLUMNS)
    elif suffix == ".xlsx":
        _write_workbook(path)
    else:
        raise ValueError(_("the template is written as .csv or .xlsx, not {suffix!r}").format(suffix=path.suffix))
    return path


def _write_workbook(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    try:
        header = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "border": 1,
                                  "text_wrap": True, "valign": "top"})
        text = book.add_format({"num_format": "@"})
        data = book.add_worksheet("data")
        for index, name in enumerate(F.TEMPLATE_COLUMNS):
            data.write_string(0, index, name, header)
            data.set_column(index, index, max(12, len(name) + 2), text if name in TEXT_COLUMNS else None)
        data.freeze_panes(1, 0)
        docs = book.add_worksheet("kolom")
        for index, title in enumerate(DOC_HEADER):
            docs.write_string(0, index, title, header)
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        for row, values in enumerate(column_docs(), start=1):
            for index, value in enumerate(values):
                docs.write_string(row, index, value, wrap)
        for index, width in enumerate((18, 26, 34, 16, 48, 36, 14)):
            docs.set_column(index, index, width)
        docs.freeze_panes(1, 1)
    finally:
        book.close()
