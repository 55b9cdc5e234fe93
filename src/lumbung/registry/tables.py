"""django-tables2 tables of the officers' workspace: sortable (ORDER BY in the database),
paginated in the database (``LazyPaginator``: no COUNT over a million rows), columns chosen by
the user (``?columns=``). Cells are read from the row itself or pure look-ups (region names, size
classes), never a query per row."""

from __future__ import annotations

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lumbung import geography
from lumbung.registry.models import AnnualReport, Enterprise
from lumbung.sizeclass import classify, label


def region_name(code: str) -> str:
    try:
        return geography.name(code) or ""
    except ValueError:
        return ""


class ChoosableTable(tables.Table):
    """A table whose optional columns are chosen with ``?columns=a&columns=b``; ``always`` stay."""

    always: tuple[str, ...] = ()
    default: tuple[str, ...] = ()

    def __init__(self, *args, columns=None, **kwargs):
        names = [name for name, _col in self.base_columns.items()]
        chosen = [c for c in (columns or []) if c in names] or list(self.default)
        exclude = [n for n in names if n not in chosen and n not in self.always]
        super().__init__(*args, exclude=exclude, **kwargs)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(name, str(column.verbose_name or name)) for name, column in cls.base_columns.items()
                if name not in cls.always]


class EnterpriseTable(ChoosableTable):
    name = tables.Column(verbose_name=_("business name"), linkify=("workspace:enterprise_detail", {"pk": tables.A("pk")}))
    nib = tables.Column(verbose_name="NIB", empty_values=(None, ""), default="–")
    region_code = tables.Column(verbose_name=_("region"))
    kbli = tables.Column(verbose_name="KBLI")
    legal_status = tables.Column(verbose_name=_("legal status"), default="–")
    founded_year = tables.Column(verbose_name=_("year founded"), default="–")
    owner_name = tables.Column(verbose_name=_("owner name"), empty_values=(None, ""), default="–")
    source = tables.Column(verbose_name=_("source"))
    source_id = tables.Column(verbose_name=_("source ID"), default="–")
    # Not DateTimeColumn: a TemplateColumn, which compiles its template for every cell (a third
    # of a 50-row page's time); render_updated_at formats the same day in Python.
    updated_at = tables.Column(verbose_name=_("changed"))

    always = ("name",)
    default = ("nib", "region_code", "kbli", "legal_status", "updated_at")

    class Meta:
        model = Enterprise
        fields = ()
        sequence = ("name", "nib", "region_code", "kbli", "legal_status", "founded_year", "owner_name", "source",
                    "source_id", "updated_at")
        order_by = ("name",)
        attrs = {"class": "data"}

    def render_updated_at(self, value):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d")

    def render_region_code(self, value):
        name = region_name(value)
        return format_html("{}<br><small>{}</small>", value, name) if name else value


class ReportTable(ChoosableTable):
    enterprise = tables.Column(verbose_name=_("enterprise"), accessor="enterprise__name",
                               order_by=("enterprise__name", "year"))
    year = tables.Column(verbose_name=_("year"))
    region = tables.Column(verbose_name=_("region"), accessor="enterprise__region_code")
    kbli = tables.Column(verbose_name="KBLI", accessor="enterprise__kbli")
    workers = tables.Column(verbose_name=_("persons engaged"), default="–", attrs={"td": {"class": "num"}})
    workers_paid = tables.Column(verbose_name=_("paid workers"), default="–", attrs={"td": {"class": "num"}})
    sales = tables.Column(verbose_name=_("annual sales (Rp)"), default="–", attrs={"td": {"class": "num"}})
    net_assets = tables.Column(verbose_name=_("net assets (Rp)"), default="–", attrs={"td": {"class": "num"}})
    size_class = tables.Column(verbose_name=_("size class"), empty_values=(), orderable=False)

    always = ("enterprise", "year")
    default = ("region", "workers", "sales", "net_assets", "size_class")

    class Meta:
        model = AnnualReport
        fields = ()
        sequence = ("enterprise", "year", "region", "kbli", "workers", "workers_paid", "sales", "net_assets",
                    "size_class")
        order_by = ("-year", "enterprise")
        attrs = {"class": "data"}

    def __init__(self, *args, regime: str = "pp-7-2021", lang: str = "id", **kwargs):
        self.regime, self.lang = regime, lang
        super().__init__(*args, **kwargs)

    def render_enterprise(self, value, record):
        url = reverse("workspace:enterprise_detail", kwargs={"pk": record.enterprise_id})
        return format_html('<a href="{}">{}</a>', url, value)

    def _money(self, value):
        return intcomma(value)  # grouped as the active language writes it: 120.000.000 in Indonesian

    def render_sales(self, value):
        return self._money(value)

    def render_net_assets(self, value):
        return self._money(value)

    def render_size_class(self, record):
        values = {name: getattr(record, name) for name in ("workers", "sales", "net_assets", "business_capital",
                                                           "investment")}
        values.update(indonesian_owned=record.enterprise.indonesian_owned, independent=record.enterprise.independent)
        try:
            return label(classify(values, self.regime).size_class, self.lang)
        except ValueError:
            return "–"
