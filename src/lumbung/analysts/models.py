"""An analyst's saved and named views of the explorer: the explorer's whole state is its query
string (lumbung.portal.explorer.State.query_string), so a view is a name and that string."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    query = models.TextField(_("explorer query"), blank=True, default="",
                             help_text=_("The explorer's address after the question mark"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_view_unique_name")]

    def __str__(self) -> str:
        return self.name
