"""Accounts and pages (issue 8 point 9): password validators, throttled logins, mail-less reset
pages hidden, a strict Content-Security-Policy, and no inline script in any template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lumbung.cli import main
from lumbung.security import csp
from lumbung.security.mail import email_settings

SRC = Path(__file__).resolve().parents[1] / "src" / "lumbung"
TEMPLATES = sorted(SRC.glob("**/templates/**/*.html"))


@pytest.fixture
def clean_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# -- passwords ---------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("password", ["x", "1234567890", "password123", "dinas_jabar1"])
def test_createuser_refuses_weak_passwords(password):
    from django.contrib.auth.models import User

    result = CliRunner().invoke(main, ["createuser", "dinas_jabar", "--role", "analyst", "--password-stdin"],
                                input=password + "\n", catch_exceptions=False)
    assert result.exit_code == 2 and "password is refused" in result.output and "Traceback" not in result.output
    assert not User.objects.filter(username="dinas_jabar").exists()


@pytest.mark.django_db
def test_create_user_accepts_a_good_password():
    from lumbung.registry.accounts import create_user

    assert create_user("analis", "analyst", password="Lumbung-kuat-2026").check_password("Lumbung-kuat-2026")


@pytest.mark.django_db
def test_admin_password_form_uses_the_same_validators(admin_client):
    from django.contrib.auth.models import User

    user = User.objects.create_user("target", password="Lumbung-kuat-2026")
    url = f"/en/admin/auth/user/{user.pk}/password/"
    response = admin_client.post(url, {"password1": "abc", "password2": "abc", "usable_password": "true"})
    assert response.status_code == 200 and "too short" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Lumbung-kuat-2026")


# -- login throttling ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_failed_logins_lock_the_user_name_even_for_the_right_password(client, clean_cache, settings):
    from django.contrib.auth.models import User

    from lumbung.security import logins

    User.objects.create_user("pemilik", password="Lumbung-kuat-2026")
    for _ in range(logins.attempts()):
        assert client.post("/en/accounts/login/", {"username": "pemilik", "password": "wrong"}).status_code == 200
    locked = client.post("/en/accounts/login/", {"username": "pemilik", "password": "Lumbung-kuat-2026"})
    assert locked.status_code == 429 and int(locked["Retry-After"]) == logins.lock_seconds()
    assert "_auth_user_id" not in client.session
    other = client.post("/en/accounts/login/", {"username": "pemilik", "password": "Lumbung-kuat-2026"},
                        REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302  # another address is not locked by this one's failures


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too(client, clean_cache, monkeypatch):
    monkeypatch.setenv("LUMBUNG_LOGIN_ATTEMPTS", "2")
    for _ in range(2):
        client.post("/en/admin/login/", {"username": "root", "password": "wrong"})
    assert client.post("/en/admin/login/", {"username": "root", "password": "wrong"}).status_code == 429


@pytest.mark.django_db
def test_a_successful_login_clears_the_count(client, clean_cache):
    from django.contrib.auth.models import User

    from lumbung.security import logins

    User.objects.create_user("pemilik", password="Lumbung-kuat-2026")
    for _ in range(logins.attempts() - 1):
        client.post("/en/accounts/login/", {"username": "pemilik", "password": "wrong"})
    assert client.post("/en/accounts/login/", {"username": "pemilik", "password": "Lumbung-kuat-2026"}).status_code == 302
    assert logins.failures("pemilik", "127.0.0.1") == 0


# -- password reset and mail ---------------------------------------------------------------------

@pytest.mark.django_db
def test_reset_pages_are_hidden_without_a_mail_server(client, monkeypatch):
    monkeypatch.delenv("LUMBUNG_EMAIL_URL", raising=False)
    assert client.get("/en/accounts/password_reset/").status_code == 404
    assert client.post("/en/accounts/password_reset/", {"email": "a@example.org"}).status_code == 404
    assert client.get("/en/accounts/login/").context["password_reset_available"] is False


@pytest.mark.django_db
def test_reset_pages_exist_with_a_mail_server(client, monkeypatch, mailoutbox):
    from django.contrib.auth.models import User

    monkeypatch.setenv("LUMBUNG_EMAIL_URL", "smtp://mail.example.org:587")
    User.objects.create_user("pemilik", email="pemilik@example.org", password="Lumbung-kuat-2026")
    assert client.get("/en/accounts/password_reset/").status_code == 200
    assert client.post("/en/accounts/password_reset/", {"email": "pemilik@example.org"}).status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["pemilik@example.org"]


def test_mail_url_gives_django_settings():
    smtp = email_settings("smtp://lumbung%40dinas:rahasia@mail.example.org:587")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_HOST_USER"]) == ("mail.example.org", 587, "lumbung@dinas")
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"] and smtp["EMAIL_HOST_PASSWORD"] == "rahasia"
    ssl = email_settings("smtps://mail.example.org")
    assert ssl["EMAIL_PORT"] == 465 and ssl["EMAIL_USE_SSL"] and not ssl["EMAIL_USE_TLS"]
    assert email_settings(None)["EMAIL_BACKEND"].endswith("dummy.EmailBackend")


def test_a_bad_mail_url_is_a_user_error():
    from lumbung.errors import UserError

    with pytest.raises(UserError, match="smtp://"):
        email_settings("http://mail.example.org")


# -- Content-Security-Policy -----------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/en/", "/en/accounts/login/", "/en/admin/login/", "/no-such-page/"])
def test_every_response_has_the_strict_policy(client, path):
    policy = client.get(path)[csp.HEADER]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


def inline_code(text: str) -> list[str]:
    """Inline scripts, on*= handlers and javascript: URLs in a template (what the policy blocks)."""
    return [match.group(0) for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JAVASCRIPT_URL)
            for match in pattern.finditer(text)]


def test_there_are_templates_to_scan():
    assert len(TEMPLATES) >= 4


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_template_holds_inline_script(template):
    assert inline_code(template.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("snippet", ['<script>alert(1)</script>', '<button onclick="go()">',
                                     '<a href="javascript:go()">', '<body onload = "x()">'])
def test_the_scan_finds_inline_code(snippet):
    assert inline_code(snippet)


@pytest.mark.parametrize("snippet", ['<script src="{% static \'portal/app.js\' %}" defer></script>',
                                     '<script type="application/json" id="data">{}</script>',
                                     '<a href="/online/">'])
def test_the_scan_lets_external_scripts_and_data_pass(snippet):
    assert inline_code(snippet) == []
