"""Every public page of the portal, for the scans of the tests (disclosure, language, width)."""

from __future__ import annotations

import html
import json
import re

from lumbung.indicators.catalogue import catalogue

EXPLORER_QUERIES = (
    "indicator=firms&indicator=output&by=province&by=size_class&year=2023",
    "indicator=firms&indicator=workers&indicator=value_added&by=regency&year=2023",
    "indicator=share_output&indicator=va_per_worker&by=size_class&by=year",
    "indicator=firms&by=kbli_division&where=province=32",
    "indicator=output&by=province&by=kbli_division&year=2022",
)


def urls() -> list[str]:
    pages = ["/", "/?year=2022", "/map/", "/provinces/32/", "/provinces/12/", "/provinces/14/",
             "/provinces/35/?year=2022", "/indicators/", "/explorer/"]
    pages += [f"/map/?indicator={i}&year=2023" for i in ("firms", "output", "value_added", "va_per_worker",
                                                          "share_firms", "entry_rate")]
    pages += [f"/explorer/?{q}" for q in EXPLORER_QUERIES]
    pages += [f"/indicators/{ident}/" for ident in catalogue()]
    return pages


CELL = re.compile(r'<td class="num( suppressed)?" data-cell="([^"]+)"( data-total="1")?(?: data-value="([^"]+)")?')


def cells(page: str) -> list[dict]:
    """Every figure a page shows: its engine cell (indicator and dimension values), whether it is
    suppressed, whether it is a total, and its value."""
    out = []
    for suppressed, key, total, value in CELL.findall(page):
        out.append({"key": json.loads(html.unescape(key)), "suppressed": bool(suppressed), "total": bool(total),
                    "value": float(value) if value else None})
    return out
