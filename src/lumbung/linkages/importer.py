"""Import and export of linkages, memberships, sentra and cooperatives (docs/network.md), with the enterprise import's
guarantees: every row is stored or explained (the errors file: line, column, value, reason), a
second import of the same file changes nothing (records are matched on their natural key and
written only when a value differs), and every create or change is in the audit trail with the
source ``import:<file>``. The pure reading and rule check is :mod:`lumbung.imports.network`; here
the references are resolved against the registry and the rows written, all in one transaction
(network files are small: thousands of rows, not millions).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from django.db import transaction
from django.db.models import Q

from lumbung import rules
from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.imports.cells import neutralise_frame
from lumbung.imports.network import COLUMNS, NATURAL_KEYS, RECORD, check, check_kind
from lumbung.imports.readers import LINE, RawTable, read_path, table_raw, tidy
from lumbung.imports.results import ImportResult, RowError, write_errors
from lumbung.linkages.models import Cooperative, Linkage, Membership, Sentra
from lumbung.registry import audit
from lumbung.registry.export import EXPORT_FORMATS, check_folder, written_atomically
from lumbung.registry.importer import refresh_analytics
from lumbung.registry.models import Enterprise

MODELS = {"linkages": Linkage, "memberships": Membership, "sentra": Sentra, "cooperatives": Cooperative}
VALUE_FIELDS = {"linkages": ("end_date", "output_share", "source", "notes"), "memberships": ("end_date", "source"),
                "sentra": ("name", "kind", "region_code", "upt", "tpi_officers", "source"),
                "cooperatives": ("name", "kind", "region_code", "source")}
#: Sentra and cooperatives are named by their code and reference nothing.
GROUP_KINDS = ("sentra", "cooperatives")


def import_network(path, kind: str, dry_run: bool = False, errors_path=None, analytics: bool = True) -> ImportResult:
    """Import a linkage, membership, sentra or cooperative file (.csv, .xlsx, .parquet); raises UnusableFile.
    ``analytics``: afterwards bring built analytics tables up to date (as the enterprise import does)."""
    check_kind(kind)
    path = Path(path)
    result = _run(read_path(path), kind, path.name, dry_run, errors_path)
    if analytics and not dry_run and (result.counts["created"] or result.counts["updated"]):
        result.analytics = refresh_analytics()
    return result


def import_network_table(table, kind: str, dry_run: bool = False, errors_path=None, name: str = "table") -> ImportResult:
    """The same import for an Arrow table."""
    check_kind(kind)
    raw = table_raw(table, name)
    return _run(RawTable(tidy(raw.frame), problems=raw.problems), kind, name, dry_run, errors_path)


def _run(raw: RawTable, kind: str, name: str, dry_run: bool, errors_path) -> ImportResult:
    checked = check(raw, kind, name)
    errors = [RowError(int(line), column, rules.mask_personal(value), rules.mask_personal(reason))
              for line, column, value, reason in checked.errors.iter_rows()]
    counts = {"created": 0, "updated": 0, "unchanged": 0, "audit_entries": 0}
    with transaction.atomic():
        rows, refused = _resolve(checked.rows, kind)
        errors += refused
        _write(rows, kind, counts, f"import:{name}")
        if dry_run:
            transaction.set_rollback(True)
    rejected = len({e.line for e in errors})
    stored = raw.frame.height - len({e.line for e in errors} - raw.lines_outside())
    result = ImportResult(imported=stored, rejected=rejected, counts=counts, dry_run=dry_run)
    result.errors = sorted(errors, key=lambda e: (e.line, e.column))
    if errors_path:
        write_errors(result.errors, errors_path)
    return result


# -- references -------------------------------------------------------------------------------------

def enterprise_ids(references: set[str]) -> dict[str, int]:
    """Registry id of each reference that names exactly one enterprise."""
    nibs = {r for r in references if r.isdigit() and len(r) == 13}
    ids = {r: int(r.split(":", 1)[1]) for r in references if r.startswith("lumbung:")}
    keyed = {r: tuple(r.split(":", 1)) for r in references if r not in nibs and r not in ids}
    found: dict[str, int] = {}
    for pk, nib in Enterprise.objects.filter(nib__in=nibs).values_list("pk", "nib"):
        found[nib] = pk
    known = set(Enterprise.objects.filter(pk__in=ids.values()).values_list("pk", flat=True))
    found.update({r: pk for r, pk in ids.items() if pk in known})
    q = Q(pk__in=[])
    for source, source_id in keyed.values():
        q |= Q(source=source, source_id=source_id)
    by_key = {(s, i): pk for pk, s, i in Enterprise.objects.filter(q).values_list("pk", "source", "source_id")}
    found.update({r: by_key[k] for r, k in keyed.items() if k in by_key})
    return found


def reference_of(enterprise: Enterprise) -> str:
    """How the export names an enterprise: its NIB, else source:source_id, else lumbung:id."""
    if enterprise.nib:
        return enterprise.nib
    if enterprise.source_id:
        return f"{enterprise.source}:{enterprise.source_id}"
    return f"lumbung:{enterprise.pk}"


def _group_rows(rows: pl.DataFrame, kind: str) -> list[dict]:
    """Sentra or cooperatives as records: the region code as stored (rules.read_region), no
    empty text left as None."""
    text = [c for c in VALUE_FIELDS[kind] if c not in ("kind", "region_code")]
    return [{"code": row["code"], "kind": row["kind"], "region_code": rules.read_region(row["region_code"]),
             **{c: row[c] or "" for c in text}, LINE: row[LINE]} for row in rows.iter_rows(named=True)]


def _resolve(rows: pl.DataFrame, kind: str) -> tuple[list[dict], list[RowError]]:
    if kind in GROUP_KINDS:
        return _group_rows(rows, kind), []
    refs = ("ikm", "partner") if kind == "linkages" else ("enterprise",)
    wanted = {v for c in refs for v in rows[c].drop_nulls().to_list()}
    ids = enterprise_ids(wanted)
    groups = {}
    if kind == "memberships":
        groups["sentra"] = dict(Sentra.objects.filter(code__in=rows["sentra"].drop_nulls().to_list())
                                .values_list("code", "pk"))
        groups["cooperative"] = dict(Cooperative.objects.filter(code__in=rows["cooperative"].drop_nulls().to_list())
                                     .values_list("code", "pk"))
    out, errors = [], []
    for row in rows.iter_rows(named=True):
        line, problem = row[LINE], None
        for column in refs:
            if row[column] not in ids:
                problem = (column, row[column], _("no enterprise {ref} in the registry").format(ref=row[column]))
                break
        for column, known in groups.items():
            if problem is None and row[column] is not None and row[column] not in known:
                problem = (column, row[column], _("no {kind} with code {code}").format(kind=column, code=row[column]))
        if problem is None and kind == "linkages" and ids[row["ikm"]] == ids[row["partner"]]:
            problem = ("partner", row["partner"], rules.gettext(rules.NETWORK_BY_ID["linkage.self"].message))
        if problem:
            errors.append(RowError(line, *problem))
            continue
        record = {"start_date": dt.date.fromisoformat(row["start_date"]),
                  "end_date": dt.date.fromisoformat(row["end_date"]) if row["end_date"] else None,
                  "source": row["source"], LINE: line}
        if kind == "linkages":
            record.update(ikm_id=ids[row["ikm"]], partner_id=ids[row["partner"]], kind=row["kind"],
                          output_share=int(row["output_share"]) if row["output_share"] else None,
                          notes=row["notes"] or "")
        else:
            record.update(enterprise_id=ids[row["enterprise"]], sentra_id=groups["sentra"].get(row["sentra"]),
                          cooperative_id=groups["cooperative"].get(row["cooperative"]))
        out.append(record)
    return out, errors


# -- writing ------------------------------------------------------------------------------------------

def _key_fields(kind: str) -> tuple[str, ...]:
    return tuple({"ikm": "ikm_id", "partner": "partner_id", "enterprise": "enterprise_id", "sentra": "sentra_id",
                  "cooperative": "cooperative_id"}.get(c, c) for c in NATURAL_KEYS[kind])


def _write(rows: list[dict], kind: str, counts: dict, source: str) -> None:
    model, keys, fields = MODELS[kind], _key_fields(kind), VALUE_FIELDS[kind]
    stored = {}
    if rows:
        q = Q(pk__in=[])
        for row in rows:
            q |= Q(**{k: row[k] for k in keys})
        stored = {tuple(getattr(o, k) for k in keys): o for o in model.objects.filter(q)}
    entries, created, changed = [], [], []
    for row in rows:
        key = tuple(row[k] for k in keys)
        current = stored.get(key)
        if current is None:
            created.append(model(**{k: v for k, v in row.items() if k != LINE}))
            continue
        diff = {f: [_plain(getattr(current, f)), _plain(row[f])] for f in fields if getattr(current, f) != row[f]}
        if not diff:
            counts["unchanged"] += 1
            continue
        for name in diff:
            setattr(current, name, row[name])
        changed.append(current)
        entries.append({"action": "update", "model": model, "object_id": current.pk, "object_repr": str(current),
                        "changes": diff})
    now = dt.datetime.now(dt.timezone.utc)
    for obj in created:
        obj.created_at = obj.updated_at = now
    made = model.objects.bulk_create(created)
    for obj in changed:
        obj.updated_at = now
    model.objects.bulk_update(changed, [*fields, "updated_at"])
    entries += [{"action": "create", "model": model, "object_id": o.pk, "object_repr": str(o),
                 "changes": {f: [None, _plain(getattr(o, f))] for f in (*keys, *fields) if getattr(o, f) not in (None, "")}}
                for o in made]
    counts["created"] += len(made)
    counts["updated"] += len(changed)
    counts["audit_entries"] += audit.record_bulk(entries, source=source) if entries else 0


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


# -- export -------------------------------------------------------------------------------------------

def network_frame(kind: str) -> pl.DataFrame:
    """Every linkage, membership, sentra or cooperative in the template's columns (references as
    the import reads them)."""
    check_kind(kind)
    out = []
    if kind in GROUP_KINDS:
        for group in MODELS[kind].objects.order_by("id"):
            out.append({c: (getattr(group, c) or None) for c in COLUMNS[kind]})
    elif kind == "linkages":
        for link in Linkage.objects.select_related("ikm", "partner").order_by("id"):
            out.append({"ikm": reference_of(link.ikm), "partner": reference_of(link.partner), "kind": link.kind,
                        "start_date": link.start_date.isoformat(),
                        "end_date": link.end_date.isoformat() if link.end_date else None,
                        "output_share": None if link.output_share is None else str(link.output_share),
                        "source": link.source, "notes": link.notes or None})
    else:
        for member in Membership.objects.select_related("enterprise", "sentra", "cooperative").order_by("id"):
            out.append({"enterprise": reference_of(member.enterprise),
                        "sentra": member.sentra.code if member.sentra_id else None,
                        "cooperative": member.cooperative.code if member.cooperative_id else None,
                        "start_date": member.start_date.isoformat(),
                        "end_date": member.end_date.isoformat() if member.end_date else None,
                        "source": member.source})
    return pl.DataFrame(out, schema={c: pl.String for c in COLUMNS[kind]}, orient="row")


def export_network(path, kind: str) -> int:
    """Write every linkage, membership, sentra or cooperative to a .csv or .parquet file that imports again as it is."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".parquet") or path.suffix.lower() not in EXPORT_FORMATS:
        raise UserError(_("export to .csv or .parquet, not {suffix!r}").format(suffix=path.suffix))
    check_folder(path)
    frame = neutralise_frame(network_frame(kind))
    with written_atomically(path) as temporary:
        if path.suffix.lower() == ".csv":
            frame.write_csv(temporary, line_terminator="\n")
        else:
            frame.write_parquet(temporary)
    return frame.height


__all__ = ["import_network", "import_network_table", "export_network", "network_frame", "RECORD"]
