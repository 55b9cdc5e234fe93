"""Small registries and files for the network tests."""

from __future__ import annotations

import csv
import datetime as dt

from lumbung.linkages.models import Cooperative, Linkage, Membership, Sentra
from lumbung.registry.models import AnnualReport, Enterprise

LINK_HEADER = ["ikm", "partner", "kind", "start_date", "end_date", "output_share", "source", "notes"]
MEMBER_HEADER = ["enterprise", "sentra", "cooperative", "start_date", "end_date", "source"]


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header])
    return path


def enterprise(name, region="32.04", kbli="10792", workers=5, output=100_000_000, year=2023, nib=None,
               source_id=None, sales=None):
    firm = Enterprise.objects.create(name=name, region_code=region, kbli=kbli, nib=nib, source="template",
                                     source_id=source_id or name)
    AnnualReport.objects.create(enterprise=firm, year=year, workers=workers, output=output,
                                sales=sales if sales is not None else output)
    return firm


def network():
    """Five firms in 32.04 (four small tofu makers of 5 workers, one large buyer) and one in 33.74.

    A: linked (buyer, 40 % of its output) and in a sentra; B: in a KUB; C: isolated;
    D: linked (subcontracting, share unknown), ended in 2022; L: the large partner (120 workers);
    F: 3 workers in 33.74.
    """
    a = enterprise("A", nib="1000000000001", output=100_000_000)
    b = enterprise("B", output=200_000_000)
    c = enterprise("C", output=300_000_000)
    d = enterprise("D", output=400_000_000)
    big = enterprise("L", kbli="10792", workers=120, output=9_000_000_000)
    far = enterprise("F", region="33.74", workers=3, output=50_000_000)
    sentra = Sentra.objects.create(code="S1", name="Sentra Tahu Cibuntu", kind="PIK", region_code="32.04",
                                   upt="UPT Logam", tpi_officers="Ibu Sari\nPak Budi", source="Dinas 2023")
    coop = Cooperative.objects.create(code="K1", name="KUB Tempe", kind="KUB", region_code="32.04", source="Dinas")
    Linkage.objects.create(ikm=a, partner=big, kind="buyer", start_date=dt.date(2021, 1, 1), output_share=40,
                           source="survey 2023")
    Linkage.objects.create(ikm=d, partner=big, kind="subcontracting", start_date=dt.date(2020, 1, 1),
                           end_date=dt.date(2022, 6, 30), source="survey 2023")
    Membership.objects.create(enterprise=a, sentra=sentra, start_date=dt.date(2019, 1, 1), source="Dinas 2023")
    Membership.objects.create(enterprise=b, cooperative=coop, start_date=dt.date(2022, 3, 1), source="Dinas 2023")
    return {"A": a, "B": b, "C": c, "D": d, "L": big, "F": far, "sentra": sentra, "coop": coop}
