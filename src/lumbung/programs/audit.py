"""The audit trail of the programs app: every save and delete of a program, an enrolment or a bank
credit report, written to the registry's :class:`~lumbung.registry.models.AuditEntry` (who, when,
from where, ``{field: [old, new]}``) as the registry's own records are. Bulk writes (the importer)
write their entries with :func:`lumbung.registry.audit.record_bulk`."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save

from lumbung.programs.models import BankCreditReport, Enrolment, Program
from lumbung.registry import audit

MODELS = (Program, Enrolment, BankCreditReport)


def _remember(sender, instance, raw=False, **kwargs):
    if raw:
        return
    previous = sender._base_manager.filter(pk=instance.pk).first() if instance.pk is not None else None
    instance._audit_old = audit.snapshot(previous) if previous is not None else None


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    old = getattr(instance, "_audit_old", None)
    new = audit.snapshot(instance)
    changes = audit.diff(old or {}, {k: v for k, v in new.items() if old is not None or v is not None})
    if old is None or created:
        audit.record_bulk([{"action": "create", "model": sender, "object_id": instance.pk,
                            "object_repr": str(instance), "changes": _plain(changes)}])
    elif changes:
        audit.record_bulk([{"action": "update", "model": sender, "object_id": instance.pk,
                            "object_repr": str(instance), "changes": _plain(changes)}])
    instance._audit_old = new


def _deleted(sender, instance, **kwargs):
    values = {k: [v, None] for k, v in audit.snapshot(instance).items() if v is not None}
    audit.record_bulk([{"action": "delete", "model": sender, "object_id": instance.pk,
                        "object_repr": str(instance), "changes": _plain(values)}])


def _plain(changes: dict) -> dict:
    """JSON-ready values (dates as ISO text)."""
    return {k: [v.isoformat() if hasattr(v, "isoformat") else v for v in pair] for k, pair in changes.items()}


def connect() -> None:
    for model in MODELS:
        name = model._meta.model_name
        pre_save.connect(_remember, sender=model, dispatch_uid=f"programs_audit_pre_{name}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"programs_audit_post_{name}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"programs_audit_delete_{name}")
