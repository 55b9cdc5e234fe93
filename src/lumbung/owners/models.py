"""What the owners' self-service keeps beside the registry: the account's phone number.

The phone number is personal data (UU 27/2022 on personal data protection): it is shown only on
its owner's own account page, never in the registry, the audit trail or to officers; the account's
user name is not the phone number (see lumbung.owners.accounts)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnerContact(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owner_contact")
    phone = models.CharField(_("phone number"), max_length=16, null=True, blank=True, unique=True,
                             help_text=_("International form, e.g. +6281234567890"))

    class Meta:
        verbose_name = _("owner contact")
        verbose_name_plural = _("owner contacts")

    def __str__(self) -> str:
        return f"contact of user {self.user_id}"
