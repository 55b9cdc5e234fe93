"""Audit trail of linkages, memberships, sentra and cooperatives: one
:class:`~lumbung.registry.models.AuditEntry` per create, change and delete, through the registry's
public :func:`lumbung.registry.audit.record_bulk` (who and where from its context), as for
enterprises. Bulk writers (the import) write their entries themselves."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from lumbung.linkages.models import Cooperative, Linkage, Membership, Sentra
from lumbung.registry import audit
from lumbung.registry.models import Enterprise

AUDITED = (Linkage, Membership, Sentra, Cooperative)


def values(instance) -> dict:
    out = {}
    for field in instance._meta.concrete_fields:
        if field.name in ("id", "created_at", "updated_at"):
            continue
        value = getattr(instance, field.attname)
        out[field.attname] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def _remember(sender, instance, raw=False, **kwargs):
    if raw:
        return
    previous = sender._base_manager.filter(pk=instance.pk).first() if instance.pk else None
    instance._network_old = values(previous) if previous is not None else None


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    old, new = getattr(instance, "_network_old", None), values(instance)
    if created or old is None:
        changes = {k: [None, v] for k, v in new.items() if v not in (None, "")}
        action = "create"
    else:
        changes = {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}
        action = "update"
    if changes:
        audit.record_bulk([{"action": action, "model": sender, "object_id": instance.pk,
                            "object_repr": str(instance), "changes": changes}])
    instance._network_old = new


def _deleted(sender, instance, **kwargs):
    # A deletion leaves no updated_at behind: the enterprises it joined are touched instead, so the
    # analytics build (registry.rows.touched_years) rebuilds their years.
    sides = [getattr(instance, name, None) for name in ("ikm_id", "partner_id", "enterprise_id")]
    if sender in (Linkage, Membership):
        Enterprise.objects.filter(pk__in=[s for s in sides if s]).update(updated_at=timezone.now())
    audit.record_bulk([{"action": "delete", "model": sender, "object_id": instance.pk, "object_repr": str(instance),
                        "changes": {k: [v, None] for k, v in values(instance).items() if v not in (None, "")}}])


for model in AUDITED:
    pre_save.connect(_remember, sender=model, dispatch_uid=f"network_audit_pre_{model.__name__}")
    post_save.connect(_saved, sender=model, dispatch_uid=f"network_audit_post_{model.__name__}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"network_audit_delete_{model.__name__}")
