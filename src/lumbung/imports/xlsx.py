"""The first worksheet of an .xlsx/.xlsm workbook as text cells, with worksheet rows as lines.

Read with python-calamine (Rust; several times faster than openpyxl). Calamine holds the sheet as a
dense rectangle from the first to the last cell that holds a value, and it shows an error cell
(``#N/A``, ``#DIV/0!``) or a formula whose result was never saved as an empty cell. So the
worksheet's XML is first scanned at byte level (no XML parsing, C-speed searches):

- the scan counts the cells that hold values and finds the last one: a sheet whose rectangle would
  be far larger than its data (one stray value on row 1,048,576 makes a million-row rectangle,
  hundreds of MB) is refused with a sentence naming that cell, instead of taking seconds and memory;
- it finds every error cell and every formula without a saved result, which are reported with
  their row and column instead of being read as empty.

The first row that holds a value is the header; cells of columns without a header are ignored like
any unknown column (the import lists them).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import python_calamine

from lumbung.i18n import _
from lumbung.imports.results import UnusableFile

#: Refuse a worksheet whose XML is larger than this uncompressed (a "zip bomb" guard; Excel's own
#: limit of 1,048,576 rows x 16,384 columns is far beyond what an import template holds).
MAX_SHEET_BYTES = 2 << 30
#: A sheet counts as sparse (stray far-away cells) when its last value lies more than this margin
#: of rows beyond SPARSE_RATIO times the rows it lists, or when its rectangle reaches past column
#: ZZ and would hold more than SPARSE_RATIO times its values plus SPARSE_CELLS_MARGIN cells. A
#: hundred thousand empty rows cost calamine about 100 MB for a 32-column template; a sheet of
#: blocks with gaps stays readable.
SPARSE_RATIO = 16
SPARSE_ROWS_MARGIN = 100_000
SPARSE_CELLS_MARGIN = 1_000_000

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
# Patterns that start with a literal let the regex engine skip ahead with a fast search (a leading
# \b or \s made these scans ten times slower); the byte before a match is checked instead.
_ERROR_TYPE = re.compile(rb't="e"')
_VALUE_OF_CELL = re.compile(rb'<v>([^<]*)</v>')
_FORMULA_WITHOUT_VALUE = re.compile(rb'(?:<f\b[^>]*/>|</f>)\s*(?:<v\s*/>|<v></v>)?\s*</c>')
#: Cells in columns AAA and beyond (703+): rare enough to collect one by one.
_WIDE_CELL = re.compile(rb'r="([A-Z]{3})[0-9]')


@dataclass
class Sheet:
    rows: list[list[object]]  # from the first row and column that hold values
    first_row: int  # worksheet row (1-based) of rows[0]
    first_column: int  # worksheet column (1-based) of rows[0][0]
    #: (row, column number, shown value, reason) for cells whose value calamine cannot show
    unreadable: list[tuple[int, int, str, str]] = field(default_factory=list)


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_sheet(path: Path) -> Sheet:
    """The first worksheet's cells. Raises :class:`UnusableFile` for anything that is not a
    readable workbook (damaged zip, truncated XML, missing parts) or a sheet too sparse to read."""
    xml = _first_sheet_xml(path)
    unreadable = _unreadable_cells(xml, path.name)
    _refuse_sparse(xml, path.name)
    del xml
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        names = [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        sheet = book.get_sheet_by_name(names[0])
        rows = sheet.to_python()
        start = sheet.start or (0, 0)
    # Calamine reports a damaged workbook through several exception types (its own, ValueError,
    # IndexError from truncated parts); any of them means the same thing to the user.
    except Exception as error:  # noqa: BLE001
        raise UnusableFile(_("{name}: not a readable .xlsx workbook ({error})").format(
            name=path.name, error=str(error)[:200])) from None
    return Sheet(rows, start[0] + 1, start[1] + 1, unreadable)


def _first_sheet_xml(path: Path) -> bytes:
    """The XML of the workbook's first worksheet, found through workbook.xml and its relations."""
    try:
        with zipfile.ZipFile(path) as archive:
            target = _first_sheet_part(archive)
            info = archive.getinfo(target)
            if info.file_size > MAX_SHEET_BYTES:
                raise UnusableFile(_("{name}: the first worksheet is too large to import ({size:,} bytes "
                                     "unpacked)").format(name=path.name, size=info.file_size))
            return archive.read(info)
    except UnusableFile:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, IndexError, OSError, EOFError,
            ElementTree.ParseError, ValueError, NotImplementedError) as error:
        raise UnusableFile(_("{name}: not a readable .xlsx workbook ({error})").format(
            name=path.name, error=str(error)[:200] or type(error).__name__)) from None


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.findall("rel:Relationship", _NS)}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id")) or ""
        if "worksheets/" not in target:
            continue  # a chart sheet or dialog sheet: calamine skips those too
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join("xl", target))
    raise KeyError("no worksheet")


def _attribute(xml: bytes, match: re.Match) -> bool:
    """The match is an attribute (whitespace before it), not the end of another name."""
    return match.start() > 0 and xml[match.start() - 1] in b" \t\r\n"


def _cell_start(xml: bytes, position: int) -> int:
    return xml.rfind(b"<c ", 0, position + 1)


def _reference(xml: bytes, start: int, name: str) -> tuple[int, int]:
    """(row, column number) of the cell whose tag starts at ``start``."""
    end = xml.find(b">", start)
    found = _CELL_REF.search(xml, start, end + 1)
    if found is None:
        raise UnusableFile(_("{name}: the worksheet holds error cells without a cell reference; save it again "
                             "in a spreadsheet").format(name=name))
    return int(found.group(2)), column_number(found.group(1).decode("ascii"))


def _unreadable_cells(xml: bytes, name: str) -> list[tuple[int, int, str, str]]:
    """Error cells and formulas without a saved result: calamine shows both as empty. Literal
    searches first (an error type, a formula at all), so a sheet without them costs one pass."""
    out = []
    for match in _ERROR_TYPE.finditer(xml):
        if not _attribute(xml, match):
            continue
        start = _cell_start(xml, match.start())
        if start < 0 or xml.find(b">", start) < match.start():
            continue  # t="e" outside a cell tag
        row, column = _reference(xml, start, name)
        end = xml.find(b"</c>", match.end())
        value = _VALUE_OF_CELL.search(xml, match.end(), end + 4 if end >= 0 else len(xml))
        shown = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
        out.append((row, column, shown, _("the cell holds the spreadsheet error {error}").format(error=shown)))
    if xml.find(b"<f") < 0:
        return out
    for match in _FORMULA_WITHOUT_VALUE.finditer(xml):
        start = _cell_start(xml, match.start())
        if xml.find(b"<v>", start, match.start()) != -1 or xml.find(b"<is>", start, match.start()) != -1:
            continue
        row, column = _reference(xml, start, name)
        out.append((row, column, "", _("the cell holds a formula whose result was not saved; open the file in a "
                                       "spreadsheet and save it again")))
    return out


def _refuse_sparse(xml: bytes, name: str) -> None:
    """Refuse a sheet whose value rectangle is much larger than its data (see the module doc):
    its last value lies far below the rows the sheet lists, or in a column beyond ZZ while the
    rectangle would be much larger than the cells that hold values."""
    last = max(xml.rfind(b"<v>"), xml.rfind(b"<is>"))
    start = _cell_start(xml, last) if last >= 0 else -1
    found = _CELL_REF.search(xml, start, xml.find(b">", start) + 1) if start >= 0 else None
    if found is None:
        return  # no values, or cells without references (then they are in file order: dense)
    last_row = int(found.group(2))
    rows = xml.count(b"<row ") + xml.count(b"<row>")
    cells = xml.count(b"<v>") + xml.count(b"<is>")
    width = max((column_number(m.group(1).decode("ascii")) for m in _WIDE_CELL.finditer(xml) if _attribute(xml, m)),
                default=0)
    far_down = last_row > SPARSE_RATIO * rows + SPARSE_ROWS_MARGIN
    if not far_down and last_row * width <= SPARSE_RATIO * cells + SPARSE_CELLS_MARGIN:
        return
    cell = found.group(1).decode("ascii") + found.group(2).decode("ascii") if far_down else column_letters(width)
    raise UnusableFile(_("{name}: the first worksheet reaches cell {cell} but only {cells:,} cells hold values; delete "
                         "the stray cells far below or right of the data, or copy the data into a new sheet").format(
        name=name, cell=cell, cells=cells))


def cell_text(value: object) -> str | None:
    """A spreadsheet cell as the text the validator reads: a whole number stored as a float
    (every Excel number is one) without its ".0", however large; dates as ISO dates."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def column_text(values: tuple) -> list[str | None]:
    """:func:`cell_text` of a whole column; a column of text cells (the template's text format)
    or of numbers takes a shortcut, since per-cell type checks dominate large sheets."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return [v or None for v in values]
    if kinds <= {str, float}:
        return [(str(int(v)) if v.is_integer() else repr(v)) if type(v) is float else (v or None) for v in values]
    return [cell_text(v) for v in values]


#: Excel keeps 15 significant digits of a number: a 16-digit NIK typed into a number cell has
#: already lost its last digit (3204015507900001 becomes 3204015507900000).
EXCEL_DIGITS_LIMIT = 1e15


def rounded_reason() -> str:
    return _("the number has more digits than a spreadsheet keeps (15), so its last digits may be lost; format "
             "the column as text and type it again")


def rounded_numbers(values: tuple) -> list[int]:
    """Positions of number cells too long for a spreadsheet to have kept exactly."""
    if float not in set(map(type, values)):
        return []
    return [i for i, v in enumerate(values) if type(v) is float and abs(v) >= EXCEL_DIGITS_LIMIT]
