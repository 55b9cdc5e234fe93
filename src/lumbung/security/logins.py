"""Throttled logins: after ``LUMBUNG_LOGIN_ATTEMPTS`` failed logins (default 5) of one user name
from one address, that pair is locked for ``LUMBUNG_LOGIN_LOCK_MINUTES`` (default 15): every login
it posts, right or wrong, is answered 429 until the lock ends. A successful login clears the count.

The defaults follow OWASP's Authentication cheat sheet ("account lockout": a small threshold, a
lock of minutes, not for ever, so an attacker cannot lock a user out permanently) and NIST SP
800-63B section 5.2.2 (rate limiting: at most 100 consecutive failures per account). Counts live
in Django's cache (a file cache in ``LUMBUNG_HOME/cache``, shared by the server's threads and
processes on one machine).
"""

from __future__ import annotations

import hashlib
import re

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from lumbung import conf

#: URL names of the pages that log a user in (portal login and the admin's).
LOGIN_URL_NAMES = frozenset({"login"})


def attempts() -> int:
    return max(conf.number("LUMBUNG_LOGIN_ATTEMPTS"), 1)


def lock_seconds() -> int:
    return max(conf.number("LUMBUNG_LOGIN_LOCK_MINUTES"), 1) * 60


def client_address(request) -> str:
    # REMOTE_ADDR is the client's: behind a proxy, waitress rewrites it only for a trusted proxy.
    return request.META.get("REMOTE_ADDR", "")


_PHONE_SEPARATORS = re.compile(r"[\s().\-]")
_PHONE_LIKE = re.compile(r"^\+?[0-9]{8,16}$")


def canonical_username(username: str) -> str:
    """What the failure count is keyed by: lower case, and a phone number in one form whatever its
    separators or prefix ("0812-3456-7890", "+62 812 3456 7890" -> "+6281234567890"), so that
    writing one number in many ways does not multiply the attempts (owners log in by phone)."""
    text = username.strip().lower()
    compact = _PHONE_SEPARATORS.sub("", text)
    if "@" in text or not _PHONE_LIKE.match(compact):
        return text
    if compact.startswith("0"):
        return "+62" + compact[1:]
    if compact.startswith("62"):
        return "+" + compact
    return compact


def _key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{canonical_username(username)}\0{address}".encode()).hexdigest()
    return f"lumbung-login-failures:{digest}"


def failures(username: str, address: str) -> int:
    return int(cache.get(_key(username, address), 0))


def is_locked(username: str, address: str) -> bool:
    return failures(username, address) >= attempts()


def record_failure(username: str, address: str) -> int:
    key = _key(username, address)
    count = failures(username, address) + 1
    cache.set(key, count, timeout=lock_seconds())  # the lock runs from the last failure
    return count


def clear(username: str, address: str) -> None:
    cache.delete(_key(username, address))


@receiver(user_login_failed, dispatch_uid="lumbung-login-failed")
def _on_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        record_failure(str(credentials.get("username", "")), client_address(request))


@receiver(user_logged_in, dispatch_uid="lumbung-logged-in")
def _on_login(sender, request, user, **kwargs):
    if request is not None:
        clear(user.get_username(), client_address(request))


def _is_login_post(request) -> bool:
    if request.method != "POST":
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in LOGIN_URL_NAMES


class LoginThrottleMiddleware:
    """Answers 429 to a login posted by a locked user name and address, before it is checked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_login_post(request) and is_locked(request.POST.get("username", ""), client_address(request)):
            minutes = lock_seconds() // 60
            response = HttpResponse(
                _("Too many failed logins for this user name from your address; try again in %(minutes)d "
                  "minutes.") % {"minutes": minutes}, status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(lock_seconds())
            return response
        return self.get_response(request)
