"""Token keys: made, hashed and checked here. ``Authorization: Token <key>`` authenticates."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from lumbung.api.models import Token

KEYWORD = "Token"
PREFIX_LENGTH = 8


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue(user, name: str = "") -> tuple[Token, str]:
    """A new token for ``user``; returns the row and the key (the only time the key is known)."""
    key = secrets.token_urlsafe(32)
    token = Token.objects.create(user=user, name=name[:100], prefix=key[:PREFIX_LENGTH], digest=digest(key))
    return token, key


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>``, looked up by the key's digest."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header must be 'Token' and one key."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token key is not valid.")) from None
        token = Token.objects.select_related("user").filter(digest=digest(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token is not valid or has been revoked."))
        self._touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return KEYWORD

    @staticmethod
    def _touch(token: Token) -> None:
        # At most one write a minute per token: a busy script must not turn reads into writes.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            Token.objects.filter(pk=token.pk).update(last_used_at=now)


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes :class:`TokenAuthentication`."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <key>, from POST /api/token/"}
