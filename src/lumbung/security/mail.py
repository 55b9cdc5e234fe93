"""Outgoing mail from ``LUMBUNG_EMAIL_URL``; without it the password-reset pages do not exist.

``smtp://user:password@host:587`` (STARTTLS), ``smtps://user:password@host:465`` (TLS from the
start), ``console://`` (mail printed to the server's output, for development). A reset page that
pretends to send mail to a server that is not there (issue 8 point 9) helps no one: without a mail
server those pages answer 404 and templates get ``password_reset_available = False`` to hide the link.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from django.http import Http404
from django.urls import Resolver404, resolve

from lumbung import conf
from lumbung.errors import UserError

#: URL names of django.contrib.auth's reset pages (django/contrib/auth/urls.py).
RESET_URL_NAMES = frozenset({"password_reset", "password_reset_done", "password_reset_confirm",
                             "password_reset_complete"})

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}


def email_settings(url: str | None) -> dict[str, object]:
    """Django's EMAIL_* settings for a mail URL (the dummy backend for None: no mail server).

    >>> settings = email_settings("smtps://lumbung:rahasia@mail.example.org")
    >>> settings["EMAIL_HOST"], settings["EMAIL_PORT"], settings["EMAIL_USE_SSL"]
    ('mail.example.org', 465, True)
    """
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme not in BACKENDS:
        raise UserError(f"LUMBUNG_EMAIL_URL must start with smtp://, smtps:// or console:// (got {parts.scheme}://)")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 587)
    return {
        "EMAIL_BACKEND": BACKENDS[parts.scheme],
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": secure,
        "EMAIL_USE_TLS": not secure and options.get("tls", "1" if port == 587 else "0") == "1",
        "EMAIL_TIMEOUT": 10,
    }


def mail_configured() -> bool:
    return bool(conf.get("LUMBUNG_EMAIL_URL"))


def account_features(request) -> dict[str, bool]:
    """Template context: ``password_reset_available`` (show the "forgot password" link or not)."""
    return {"password_reset_available": mail_configured()}


class PasswordResetGateMiddleware:
    """404 for the password-reset pages while no mail server is configured."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not mail_configured() and _is_reset_page(request.path_info):
            raise Http404("password reset needs a mail server (LUMBUNG_EMAIL_URL)")
        return self.get_response(request)


def _is_reset_page(path: str) -> bool:
    if "reset" not in path:  # django.contrib.auth's reset URLs all contain "reset": skip resolving
        return False
    try:
        return resolve(path).url_name in RESET_URL_NAMES
    except Resolver404:
        return False
