"""The partner finder (issue 12, point 3): for an IKM, buyers and larger firms in related sectors;
for a large firm, candidate IKM suppliers (Tanimoto 2004's parts suppliers, DOMAIN.md section 8).

Related sectors come from ``kbli_relations.tsv`` (supplier division -> buyer division, each row
with its basis in KBLI 2020; see the file's header for what it is and is not). Candidates are
ranked by a score whose parts are shown as reasons: the sector relation (2 between divisions, 1
within one), the place (3 in the same regency, 1 elsewhere in the same province: "nearby"), and
size (1 when the candidate is in a larger BPS size class). Candidates already linked are left out.
A candidate is shown by business name, sector, region and size class only: never the owner's name,
NIK, phone or address; contact goes through a ContactRequest.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from lumbung import geography, sectors
from lumbung.linkages.models import Linkage
from lumbung.registry.models import AnnualReport, Enterprise

RELATIONS_FILE = Path(__file__).resolve().parent / "kbli_relations.tsv"
#: BPS classes by persons engaged (Kuncoro 2007 citing BPS; DOMAIN.md section 2, regime bps-workers).
BPS_CLASSES = ((1, "micro"), (5, "small"), (20, "medium"), (100, "large"))
IKM_CLASSES = ("micro", "small", "medium")
LIMIT = 20
#: Candidates a contact request may go to (more than a page shows: the ranking may move meanwhile).
CONTACT_LIMIT = 200


@dataclass(frozen=True)
class Relation:
    supplier: str
    buyer: str
    weight: int
    basis: str
    basis_id: str = ""

    def reason(self, lang: str = "id") -> str:
        return self.basis_id if lang == "id" and self.basis_id else self.basis


@lru_cache(maxsize=1)
def relations() -> tuple[Relation, ...]:
    lines = [line for line in RELATIONS_FILE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return tuple(Relation(r["supplier"], r["buyer"], int(r["weight"]), r["basis"], r.get("basis_id") or "")
                 for r in csv.DictReader(lines, delimiter="\t"))


def buyers_of(division: str) -> list[Relation]:
    return [r for r in relations() if r.supplier == division]


def suppliers_of(division: str) -> list[Relation]:
    return [r for r in relations() if r.buyer == division]


def size_class(workers: int | None) -> str:
    if not workers:
        return "unknown"
    return [name for least, name in BPS_CLASSES if workers >= least][-1]


@dataclass
class Candidate:
    enterprise: Enterprise
    workers: int | None
    size: str
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def region_name(self) -> str:
        return geography.name(self.enterprise.region_code) or self.enterprise.region_code


def _latest_workers():
    return Subquery(AnnualReport.objects.filter(enterprise=OuterRef("pk")).order_by("-year").values("workers")[:1])


def find(enterprise: Enterprise, limit: int = LIMIT, lang: str = "id") -> tuple[str, list[Candidate]]:
    """("buyers", ranked candidates) for an IKM; ("suppliers", ...) for a large firm."""
    own_workers = enterprise.reports.order_by("-year").values_list("workers", flat=True).first()
    own_size = size_class(own_workers)
    division = enterprise.kbli[:2]
    mode = "suppliers" if own_size == "large" else "buyers"
    related = suppliers_of(division) if mode == "suppliers" else buyers_of(division)
    by_division = {(r.supplier if mode == "suppliers" else r.buyer): r for r in related}
    if not by_division:
        return mode, []
    province = geography.province_of(enterprise.region_code)
    regency = geography.regency_of(enterprise.region_code)
    linked = set(Linkage.objects.filter(ikm=enterprise).values_list("partner_id", flat=True)) | set(
        Linkage.objects.filter(partner=enterprise).values_list("ikm_id", flat=True))
    sector_q = Q(pk__in=[])
    for code in by_division:
        sector_q |= Q(kbli__startswith=code)
    pool = (Enterprise.objects.filter(sector_q).filter(Q(region_code=province) | Q(region_code__startswith=province + "."))
            .exclude(pk=enterprise.pk).exclude(pk__in=linked).annotate(latest_workers=_latest_workers())
            .only("pk", "name", "kbli", "region_code")[:5000])
    out = []
    order = [name for _least, name in BPS_CLASSES]
    for other in pool:
        size = size_class(other.latest_workers)
        if mode == "suppliers" and size not in IKM_CLASSES:
            continue
        if mode == "buyers" and (size == "unknown" or own_size == "unknown" or order.index(size) < order.index(own_size)):
            continue
        relation = by_division[other.kbli[:2]]
        if mode == "buyers" and relation.weight == 1 and size == own_size:
            continue  # a firm of the same size in the same division is a peer, not a buyer
        found = Candidate(other, other.latest_workers, size, relation.weight)
        found.reasons.append(_("related sector: {basis}").format(basis=relation.reason(lang)))
        if regency and geography.regency_of(other.region_code) == regency:
            found.score += 3
            found.reasons.append(_("in the same regency or city"))
        else:
            found.score += 1
            found.reasons.append(_("in the same province"))
        if mode == "buyers" and order.index(size) > order.index(own_size):
            found.score += 1
            found.reasons.append(_("a larger firm ({size})").format(size=_(size)))
        out.append(found)
    out.sort(key=lambda c: (-c.score, c.enterprise.name, c.enterprise.pk))
    return mode, out[:limit]


def division_title(code: str, lang: str = "id") -> str:
    try:
        return sectors.title(code, lang)
    except (KeyError, ValueError, TypeError):
        return code
