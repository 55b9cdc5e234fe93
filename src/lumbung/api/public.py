"""Public read endpoints: indicators (under disclosure control), the catalogue, regions, KBLI,
size-class regimes, classification and the published tables.

The indicators endpoint calls the same function as ``lumbung indicators`` (:func:`lumbung.
indicators.compute`) and answers its long format; callers who may not see record-level data get
``public=True``, exactly as ``lumbung indicators --public``: suppressed cells are empty and marked.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
from django.http import HttpResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from lumbung import geography, sectors, sizeclass
from lumbung.api import versioning
from lumbung.api.errors import ApiConventions
from lumbung.api.pagination import Pagination
from lumbung.api.serializers import (
    CatalogueSerializer,
    ClassificationSerializer,
    IndicatorRowSerializer,
    KbliSerializer,
    PublishedValueSerializer,
    RegimeSerializer,
    RegionSerializer,
)
from lumbung.indicators import compute
from lumbung.indicators.catalogue import CatalogueError, catalogue
from lumbung.indicators.dimensions import DIMENSIONS, DimensionError, parse_where
from lumbung.indicators.engine import AnalyticsMissing, parse_years
from lumbung.indicators.longformat import presented
from lumbung.indicators.published import load_values
from lumbung.indicators.schema import REGIME_IDS
from lumbung.indicators.sqlgen import QueryError
from lumbung.registry import grants
from lumbung.registry.access import SEE_ALL

#: The CLI's long-format columns (lumbung.indicators.commands.OUTPUT_COLUMNS).
OUTPUT_COLUMNS = ("indicator", "value", "numerator", "denominator")
FORMAT_PARAMETER = OpenApiParameter("format", str, enum=["json", "csv"], description=_("Answer as JSON or CSV."))
ERROR = OpenApiResponse(inline_serializer("Error", {"detail": serializers.CharField()}), description="one sentence")


def paged(serializer):
    """The schema of a page of ``serializer`` rows (PublicView answers pages)."""
    name = serializer.__name__.removesuffix("Serializer")
    return inline_serializer(f"Paginated{name}List", {
        "count": serializers.IntegerField(), "next": serializers.CharField(allow_null=True),
        "previous": serializers.CharField(allow_null=True), "results": serializer(many=True)})


class BadQuery(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_query"


class NotBuilt(exceptions.APIException):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_built"


def sees_records(user, where_items=()) -> bool:
    """Whether ``user`` may see unsuppressed figures: administrators always, analysts when every
    region filter of the query lies inside their grants (lumbung.registry.grants.inside)."""
    if not (user and user.is_authenticated):
        return False
    if user.has_perm(SEE_ALL):
        return True
    try:
        where = parse_where(where_items)
    except DimensionError:
        return False
    return grants.inside(user, where)


class PublicView(ApiConventions, APIView):
    """Paginated lists with ETags keyed by the analytics version (or the pinned reference data)."""

    def answer(self, request, rows: list[dict] | Callable[[], list[dict]], version: str = "reference") -> Response:
        """The page of ``rows`` (or of what ``rows()`` returns: called only when no kept answer serves)."""
        public = not request.user.is_authenticated
        etag = versioning.etag_for(version, public, request.get_full_path(), request.accepted_renderer.format)
        if versioning.matches(request, etag):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        elif public:
            response = self.rendered(request, rows, etag)
        else:
            response = self.page_of(request, rows() if callable(rows) else rows)
        versioning.add_headers(response, etag, public)
        return response

    def page_of(self, request, rows: list[dict]) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(page)

    def rendered(self, request, rows, etag: str) -> HttpResponse:
        """An anonymous caller's page as rendered bytes, kept per ETag (build version, address,
        format), host and media type (the next and previous links are absolute): a warm answer
        paginates and renders nothing (BENCHMARKS.md, issue 10.12)."""
        key = "api:rendered:" + versioning.etag_for(etag, request.build_absolute_uri("/"), request.accepted_media_type)

        def render() -> tuple[bytes, str]:
            response = self.page_of(request, rows() if callable(rows) else rows)
            response.accepted_renderer = request.accepted_renderer
            response.accepted_media_type = request.accepted_media_type
            response.renderer_context = self.get_renderer_context()
            return response.rendered_content, response["Content-Type"]

        content, content_type = versioning.cached(key, render)
        return HttpResponse(content, content_type=content_type)


# ---------------------------------------------------------------- indicators

class IndicatorQuery(serializers.Serializer):
    indicator = serializers.ListField(child=serializers.CharField(), min_length=1,
                                      help_text=_("Indicator id(s), comma-separated or repeated (see /api/catalogue/)."))
    by = serializers.CharField(required=False, allow_blank=True, default="",
                               help_text=format_lazy("{}{}", _("Dimensions, comma-separated: "),
                                                     ", ".join(DIMENSIONS)))
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2100, help_text=_("One year."))
    years = serializers.CharField(required=False, help_text=_("A range Y1-Y2 or a comma-separated list."))
    regime = serializers.ChoiceField(choices=REGIME_IDS, default="bps-workers",
                                     help_text=_("Size-class regime for the size_class dimension."))
    where = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                  help_text=_("DIM=VALUE: keep only cells where the dimension has this value; repeatable."))
    source = serializers.ChoiceField(choices=["registry", "published"], default="registry",
                                     help_text=_("Registry analytics tables or the published tables."))

    def validate(self, attrs):
        if attrs.get("year") is not None and attrs.get("years"):
            raise serializers.ValidationError(_("give either year or years, not both"))
        return attrs


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def long_rows(frame: pd.DataFrame, by: list[str], public: bool) -> list[dict]:
    """The CLI's long format as records (one function for both: indicators.longformat.presented)."""
    shown = presented(frame, by, public, catalogue())
    rows = [{name: _plain(value) for name, value in record.items()} for record in shown.to_dict("records")]
    if public:
        for row in rows:
            row["suppressed"] = bool(row["suppressed"])
    return rows


def indicator_rows(query: dict, public: bool) -> list[dict]:
    ids = [i.strip() for item in query["indicator"] for i in item.split(",") if i.strip()]
    try:
        years = [query["year"]] if query.get("year") is not None else parse_years(query.get("years"))
        frame = compute(ids, by=query["by"], years=years, regime=query["regime"], where=parse_where(query["where"]),
                        public=public, source=query["source"])
    except AnalyticsMissing as error:  # before ValueError: it is one (an expected failure)
        raise NotBuilt(str(error)) from None
    except KeyError as error:
        raise BadQuery(str(error.args[0]) if error.args else str(error)) from None
    except (DimensionError, QueryError, CatalogueError, ValueError) as error:
        raise BadQuery(str(error)) from None
    by = [b.strip() for b in query["by"].split(",") if b.strip()]
    return long_rows(frame, list(dict.fromkeys(by)), public)


class IndicatorsView(PublicView):
    """Indicators by dimensions in the CLI's long format, suppressed for public callers."""

    @extend_schema(parameters=[IndicatorQuery, FORMAT_PARAMETER],
                   responses={200: paged(IndicatorRowSerializer), 400: ERROR, 404: ERROR})
    def get(self, request):
        version = versioning.analytics_version()
        if not request.user.is_authenticated:  # public for certain: the query is read on a miss only
            return self.answer(request, lambda: self.rows(request, version), version)
        return self.answer(request, self.rows(request, version), version)

    def rows(self, request, version: str) -> list[dict]:
        query = IndicatorQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        public = not sees_records(request.user, query.validated_data["where"])
        key = "api:indicators:" + versioning.etag_for(version, public, sorted(query.validated_data.items()))
        return versioning.cached(key, lambda: indicator_rows(query.validated_data, public))


# ---------------------------------------------------------------- catalogue

def _catalogue_entry(ind) -> dict:
    return {**ind.to_dict(), "direction": ind.direction}


class CatalogueListView(PublicView):
    @extend_schema(parameters=[FORMAT_PARAMETER], responses={200: paged(CatalogueSerializer)}, operation_id="catalogue_list")
    def get(self, request):
        return self.answer(request, lambda: [_catalogue_entry(i) for i in catalogue().values()])


class CatalogueDetailView(PublicView):
    @extend_schema(responses={200: CatalogueSerializer, 404: ERROR})
    def get(self, request, indicator_id: str):
        entry = catalogue().get(indicator_id)
        if entry is None:
            raise exceptions.NotFound(_("There is no indicator {id!r} in the catalogue.").format(id=indicator_id))
        return Response(_catalogue_entry(entry))


# ---------------------------------------------------------------- regions

def _region(code: str, name: str) -> dict:
    parent = code.rpartition(".")[0] or None
    return {"code": code, "name": name, "level": geography.level(code), "parent": parent}


def _region_code(text: str) -> str:
    try:
        code = geography.normalize_code(text)
    except ValueError as error:
        raise BadQuery(str(error)) from None
    if not geography.exists(code):
        raise exceptions.NotFound(_("There is no region {code} in the Kemendagri list.").format(code=code))
    return code


class RegionListView(PublicView):
    @extend_schema(parameters=[OpenApiParameter("parent", str, description=_(
        "Region code whose regions to list (default: the provinces).")), FORMAT_PARAMETER],
        responses={200: paged(RegionSerializer), 400: ERROR, 404: ERROR}, operation_id="regions_list")
    def get(self, request):
        parent = request.query_params.get("parent")
        parent = _region_code(parent) if parent else None
        return self.answer(request, [_region(c, n) for c, n in geography.children(parent)])


class RegionDetailView(PublicView):
    @extend_schema(responses={200: RegionSerializer, 400: ERROR, 404: ERROR})
    def get(self, request, code: str):
        code = _region_code(code)
        return Response(_region(code, geography.name(code) or ""))


# ---------------------------------------------------------------- KBLI

def _sector(entry) -> dict:
    return {"code": entry.code, "level": entry.level, "section": entry.section, "parent": entry.parent,
            "title_id": entry.title_id, "title_en": entry.title_en}


class KbliListView(PublicView):
    @extend_schema(parameters=[
        OpenApiParameter("parent", str, description=_("Code whose direct children to list.")),
        OpenApiParameter("level", str, enum=list(sectors.LEVELS), description=_("Only this level.")),
        FORMAT_PARAMETER], responses={200: paged(KbliSerializer), 404: ERROR}, operation_id="kbli_list")
    def get(self, request):
        parent, level = request.query_params.get("parent"), request.query_params.get("level")
        if parent:
            if sectors.get(parent) is None:
                raise exceptions.NotFound(_("There is no KBLI 2020 code {code!r}.").format(code=parent))
            entries = sectors.children(parent)
        else:
            entries = sectors.entries(level if level in sectors.LEVELS else None)
        if level in sectors.LEVELS:
            entries = [e for e in entries if e.level == level]
        return self.answer(request, [_sector(e) for e in entries])


class KbliDetailView(PublicView):
    @extend_schema(responses={200: KbliSerializer, 404: ERROR})
    def get(self, request, code: str):
        try:
            entry = sectors.get(code)
        except ValueError:
            entry = None
        if entry is None:
            raise exceptions.NotFound(_("There is no KBLI 2020 code {code!r}.").format(code=code))
        return Response(_sector(entry))


# ---------------------------------------------------------------- regimes and classification

def _regime(regime) -> dict:
    return {"id": regime.id, "short": regime.short, "name_id": regime.name_id, "name_en": regime.name_en,
            "law": regime.law, "article": regime.article, "classes": list(regime.classes),
            "inputs": list(regime.inputs), "combination_note": regime.combination_note,
            "in_force_from": regime.in_force_from, "in_force_until": regime.in_force_until,
            "variant_of": regime.variant_of,
            "criteria": [{"field": c.field, "bands": [{"classes": list(b.classes), "limit": _plain_number(b.limit),
                                                        "inclusive": b.inclusive} for b in c.bands]}
                         for c in regime.criteria]}


def _plain_number(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


class RegimeListView(PublicView):
    @extend_schema(parameters=[FORMAT_PARAMETER], responses={200: paged(RegimeSerializer)}, operation_id="regimes_list")
    def get(self, request):
        return self.answer(request, [_regime(r) for r in sizeclass.regimes(include_variants=True)])


class RegimeDetailView(PublicView):
    @extend_schema(responses={200: RegimeSerializer, 404: ERROR})
    def get(self, request, regime_id: str):
        known = {r.id: r for r in sizeclass.regimes(include_variants=True)}
        if regime_id not in known:
            raise exceptions.NotFound(_("There is no size-class regime {id!r}.").format(id=regime_id))
        return Response(_regime(known[regime_id]))


class ClassifyQuery(serializers.Serializer):
    regime = serializers.ChoiceField(choices=[r.id for r in sizeclass.regimes(include_variants=True)],
                                     required=False, help_text=_("One regime (default: every regime in force)."))
    workers = serializers.IntegerField(required=False, min_value=1, help_text=_("Persons engaged, owner included."))
    sales = serializers.IntegerField(required=False, min_value=0, help_text=_("Annual sales, rupiah."))
    net_assets = serializers.IntegerField(required=False, min_value=0, help_text=_("Net assets, rupiah."))
    business_capital = serializers.IntegerField(required=False, min_value=0, help_text=_("Business capital, rupiah."))
    investment = serializers.IntegerField(required=False, min_value=0, help_text=_("Investment, rupiah."))
    indonesian_owned = serializers.BooleanField(required=False, allow_null=True, default=None)
    independent = serializers.BooleanField(required=False, allow_null=True, default=None)


def classification(values: dict, regime) -> dict:
    result = sizeclass.classify(values, regime)
    data = result.to_dict()
    data.update(law=regime.law, article=regime.article, label_id=sizeclass.label(result.size_class, "id"),
                label_en=sizeclass.label(result.size_class, "en"), undecided_by=list(result.undecided_by),
                ruled_out=[{"class": c, "by": [d.to_dict() for d in blockers]} for c, blockers in result.ruled_out])
    return data


class ClassifyView(PublicView):
    """The class of one business under every regime (or one), explained as `lumbung classify`."""

    @extend_schema(parameters=[ClassifyQuery, FORMAT_PARAMETER],
                   responses={200: paged(ClassificationSerializer), 400: ERROR})
    def get(self, request):
        query = ClassifyQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = dict(query.validated_data)
        chosen = values.pop("regime", None)
        regimes = [sizeclass.get_regime(chosen)] if chosen else sizeclass.regimes()
        try:
            rows = [classification(values, regime) for regime in regimes]
        except ValueError as error:
            raise BadQuery(str(error)) from None
        return self.answer(request, rows)


# ---------------------------------------------------------------- published tables

class PublishedView(PublicView):
    """Values of the published tables loaded with `lumbung import-table` (already public figures)."""

    @extend_schema(parameters=[OpenApiParameter("year", int), OpenApiParameter("region_code", str),
                               OpenApiParameter("measure", str), FORMAT_PARAMETER],
                   responses={200: paged(PublishedValueSerializer)})
    def get(self, request):
        version = versioning.analytics_version()
        rows = versioning.cached("api:published:" + version, _published_rows)
        for name in ("year", "region_code", "measure"):
            wanted = request.query_params.get(name)
            if wanted:
                rows = [r for r in rows if str(r.get(name)) == wanted]
        return self.answer(request, rows, version)


def _published_rows() -> list[dict]:
    frame = load_values()
    return [{k: _plain(v) for k, v in record.items()} for record in frame.to_dict("records")]

