"""API tokens for scripts: only a digest of each key is stored (see :mod:`lumbung.api.tokens`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Token(models.Model):
    """One token of a user. The key itself is shown once, when created; the database keeps its
    SHA-256 digest (a random 256-bit key needs no salt or slow hash: it cannot be guessed)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100, blank=True, default="",
                            help_text=_("What the token is for, e.g. the script that uses it"))
    prefix = models.CharField(_("prefix"), max_length=8, help_text=_("First characters of the key, to tell tokens apart"))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
