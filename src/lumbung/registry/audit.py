"""Audit trail: every create, change and delete of an enterprise or an annual report.

Signal handlers write one :class:`~lumbung.registry.models.AuditEntry` per event with who, when,
from where (``source``), and ``changes = {field: [old, new]}``. Entries have no foreign key to
the record, so they survive its deletion. The owner's NIK is recorded masked
("3204********0001"), never in clear text, and its encrypted columns are never copied.

``QuerySet.update()``, ``bulk_create`` and ``bulk_update`` send no signals: code that uses them
writes its entries with :func:`record_bulk`.

Who and where come from :func:`context` (a context variable, so it is safe across threads and
async tasks); web requests set it in :class:`AuditContextMiddleware`.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from lumbung.registry import nik as nik_protection
from lumbung.registry.models import AnnualReport, AuditEntry, Enterprise

#: Columns not worth a diff (bookkeeping) or never to be copied (the protected NIK columns).
_SKIPPED = {"id", "created_at", "updated_at", "owner_nik_token", "owner_nik_digest"}
_NIK = "owner_nik"
#: Personal data stored in clear that the trail records as changed without its values: the
#: address is the owner's home address for most micro enterprises (UU 27/2022).
_WITHHELD = {"address"}


@dataclass(frozen=True)
class _Context:
    actor: object = None
    source: str = ""


_current: contextvars.ContextVar[_Context] = contextvars.ContextVar("lumbung_audit", default=_Context())  # noqa: B039 - frozen, so never mutated


@contextmanager
def context(actor=None, source: str = ""):
    """``with audit.context(actor=user, source="import:file.csv"):`` tags the entries written inside."""
    token = _current.set(_Context(actor, source))
    try:
        yield
    finally:
        _current.reset(token)


def current_actor():
    """The user set by the surrounding :func:`context` (None outside one); bulk writers use it."""
    return _current.get().actor


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": ""}
    return {"actor_id": actor.pk, "actor_name": actor.get_username()[:150]}


def _model_name(model) -> str:
    if isinstance(model, type):
        return model._meta.model_name
    return str(model).rsplit(".", 1)[-1].lower()


def snapshot(instance) -> dict:
    """The audited values of ``instance``: plain JSON values, the NIK as its masked form."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIPPED or field.generated:  # generated: derived by the database (province_code ...)
            continue
        values[field.attname] = getattr(instance, field.attname)
    if isinstance(instance, Enterprise):
        values[_NIK] = instance.owner_nik_masked
        values["_nik_digest"] = instance.owner_nik_digest  # compared only, never stored
    return values


def diff(old: dict, new: dict) -> dict:
    changes = {}
    for name in new:
        if old.get(name) != new.get(name):
            if name == "_nik_digest":
                changes[_NIK] = [old.get(_NIK), new.get(_NIK)]
            else:
                changes[name] = [old.get(name), new.get(name)]
    return changes


def _sanitize(changes: dict) -> dict:
    """Drop protected columns and mask any NIK a caller passes (bulk entries are not trusted)."""
    clean = {}
    for name, pair in changes.items():
        if name in _SKIPPED or name.startswith("_"):
            continue
        if name == _NIK:
            pair = [_masked(value) for value in pair]
        elif name in _WITHHELD:
            pair = ["****" if value else value for value in pair]
        clean[name] = pair
    return clean


def _masked(value):
    if value is None or "*" in str(value):
        return value
    try:
        return nik_protection.mask(value)
    except nik_protection.NIKError:
        return "****"  # a malformed NIK is still personal data: never echo it


def _write(action: str, instance, changes: dict) -> None:
    ctx = _current.get()
    AuditEntry.objects.create(action=action, model=instance._meta.model_name, object_id=instance.pk,
                              object_repr=str(instance)[:255], changes=_sanitize(changes),
                              source=ctx.source[:255], **_actor_fields(ctx.actor))


@receiver(pre_save, sender=Enterprise, dispatch_uid="audit_pre_save_enterprise")
@receiver(pre_save, sender=AnnualReport, dispatch_uid="audit_pre_save_annualreport")
def _remember_old_values(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures loading: not a user's change
        return
    old = None
    if instance.pk is not None:
        previous = sender._base_manager.filter(pk=instance.pk).first()
        old = snapshot(previous) if previous is not None else None
    instance._audit_old = old


def _present(values: dict) -> dict:
    return {name: value for name, value in values.items() if value is not None}


@receiver(post_save, sender=Enterprise, dispatch_uid="audit_post_save_enterprise")
@receiver(post_save, sender=AnnualReport, dispatch_uid="audit_post_save_annualreport")
def _record_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    old = getattr(instance, "_audit_old", None)
    new = snapshot(instance)
    if created or old is None:
        _write("create", instance, diff({}, _present(new)))
    else:
        changes = diff(old, new)
        if changes:
            _write("update", instance, changes)
    instance._audit_old = new


@receiver(post_delete, sender=Enterprise, dispatch_uid="audit_post_delete_enterprise")
@receiver(post_delete, sender=AnnualReport, dispatch_uid="audit_post_delete_annualreport")
def _record_delete(sender, instance, **kwargs):
    _write("delete", instance, {name: [value, None] for name, value in _present(snapshot(instance)).items()})


def record_bulk(entries: list[dict], actor=None, source: str = "") -> int:
    """Write entries for changes made without signals (``bulk_create``/``bulk_update``).

    Each entry: ``{"action": "create"|"update"|"delete", "model": "enterprise"|"annualreport"
    (or the class), "object_id": int, "object_repr": str, "changes": {field: [old, new]}}``.
    ``actor``/``source`` default to the surrounding :func:`context`. Returns the number written.
    """
    ctx = _current.get()
    actor = actor if actor is not None else ctx.actor
    source = (source or ctx.source)[:255]
    who = _actor_fields(actor)
    rows = [
        AuditEntry(action=entry["action"], model=_model_name(entry["model"]), object_id=entry["object_id"],
                   object_repr=str(entry.get("object_repr", ""))[:255],
                   changes=_sanitize(entry.get("changes") or {}), source=source, **who)
        for entry in entries
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


class AuditContextMiddleware:
    """Tags entries written during a web request with the signed-in user and "admin" or "web"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "admin" if "/admin/" in request.path else "web"
        user = getattr(request, "user", None)
        with context(actor=user, source=source):
            return self.get_response(request)
