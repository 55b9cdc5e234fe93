"""Every API error is JSON with one sentence in ``detail``; no traceback reaches a caller.

- DRF's own errors keep their status; validation errors add ``errors`` (field -> messages) and
  put the first message in ``detail``.
- :class:`lumbung.errors.UserError` and the indicator engine's ``ValueError`` family (a bad
  ``where``, an unknown indicator or dimension): 400.
- A database still locked after the busy timeout (SQLite) or a serialisation failure
  (PostgreSQL): 503 with ``Retry-After``, so a client retries instead of seeing "database is locked".
- Anything else: 500 with a sentence pointing to the server log, where the traceback goes.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.db.utils import DatabaseError
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, renderers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lumbung.errors import UserError

log = logging.getLogger("lumbung.api")

#: Seconds a client should wait before retrying a write that met a busy database.
RETRY_AFTER_BUSY = 2


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("The record changed since you read it: read it again and reapply your change.")
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = gettext_lazy("Send the record's ETag in If-Match (or its version in the body) to change it.")
    default_code = "precondition_required"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The record conflicts with one that exists.")
    default_code = "conflict"


def is_busy(error: BaseException) -> bool:
    """A database that stayed locked (SQLite) or a transaction that lost a race (PostgreSQL)."""
    text = str(error).lower()
    return isinstance(error, OperationalError) and ("locked" in text or "busy" in text) or (
        isinstance(error, DatabaseError) and ("could not serialize" in text or "deadlock detected" in text))


def first_message(errors) -> str:
    if isinstance(errors, dict):
        for name, value in errors.items():
            text = first_message(value)
            return text if name in ("non_field_errors", "detail") else f"{name}: {text}"
    if isinstance(errors, list) and errors:
        return first_message(errors[0])
    return str(errors)


def _sentence(text: str) -> str:
    text = " ".join(str(text).split())
    return text if text.endswith((".", "?", "!")) else text + "."


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, exceptions.ValidationError):
        return Response({"detail": _sentence(first_message(exc.detail)), "errors": exc.detail},
                        status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None:
        if isinstance(response.data, dict) and "detail" in response.data:
            response.data = {"detail": _sentence(response.data["detail"])}
        return response
    if isinstance(exc, (Http404, PermissionDenied)):  # already mapped by DRF; kept for clarity
        return None
    if isinstance(exc, (UserError, ValueError, KeyError)):
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        return Response({"detail": _sentence(message)}, status=status.HTTP_400_BAD_REQUEST)
    if is_busy(exc):
        log.warning("database busy, answered 503: %s", exc)
        return Response({"detail": _("The registry is busy; try again in a moment.")},
                        status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_BUSY)})
    log.error("API error", exc_info=exc)
    return Response({"detail": _("Something went wrong on the server; the error is in the server log.")},
                    status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def not_found(request, *args, **kwargs):
    """Unknown paths under /api/: JSON, never Django's debug page listing the URL patterns."""
    translation.activate(translation.get_language_from_request(request))
    return JsonResponse({"detail": _("There is no API endpoint at this address.")}, status=404)


class ApiConventions:
    """View mixin: the caller's language (cookie or Accept-Language; the API has no language
    prefix in its paths, so Django's locale middleware would always pick the default), and errors
    in JSON even when the caller asked for CSV."""

    def dispatch(self, request, *args, **kwargs):
        translation.activate(translation.get_language_from_request(request))
        return super().dispatch(request, *args, **kwargs)

    def handle_exception(self, exc):
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = self.request.accepted_renderer.media_type
        return super().handle_exception(exc)
