"""`lumbung serve`: waitress serves the page and the static files, with no CDN."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

#: The `lumbung` command itself (its error handling included); commands load lazily, so this imports
#: only the registry's and the portal's command modules.
LUMBUNG = "from lumbung.cli import main; main()"


def _env(home, **values):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMBUNG_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(LUMBUNG_HOME=str(home), **values)
    return env


def _lumbung(*args):
    return [sys.executable, "-c", LUMBUNG, *args]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 301 is the answer to look at, not a page to follow


def _get(url: str, deadline: float, headers: dict | None = None, with_headers: bool = False):
    opener = urllib.request.build_opener(_NoRedirect)
    while True:
        try:
            try:
                response = opener.open(urllib.request.Request(url, headers=headers or {}), timeout=5)
            except urllib.error.HTTPError as error:  # 3xx and 4xx: still an answer
                response = error
            with response:
                body = response.read().decode()
                return (response.status, body, dict(response.headers)) if with_headers else (response.status, body)
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _serve_and_fetch(home, paths, headers=None, with_headers=False, **env_values):
    env = _env(home, **env_values)
    assert subprocess.run(_lumbung("init"), env=env, capture_output=True, timeout=120).returncode == 0
    port = _free_port()
    server = subprocess.Popen(_lumbung("serve", "--port", str(port), "--threads", "2"), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        return [_get(f"http://127.0.0.1:{port}{path}", deadline, headers, with_headers) for path in paths]
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_development(tmp_path):
    (status, page), (css_status, css) = _serve_and_fetch(tmp_path, ["/", "/static/portal/lumbung.css"])
    assert status == 200 and "Lumbung" in page and "<table" not in page  # empty registry
    assert css_status == 200 and "--accent" in css


def _port_closed(port: int, deadline: float) -> bool:
    """Whether nothing accepts on ``port`` any more (waiting until ``deadline`` for it to go)."""
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return True
        time.sleep(0.3)
    return False


def test_serve_with_several_processes_answers_and_stops_them_all(tmp_path):
    env = _env(tmp_path)
    assert subprocess.run(_lumbung("init"), env=env, capture_output=True, timeout=120).returncode == 0
    port = _free_port()
    server = subprocess.Popen(_lumbung("serve", "--port", str(port), "--processes", "2", "--threads", "2"), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        answers = [_get(f"http://127.0.0.1:{port}/en/", deadline) for _ in range(4)]
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert [status for status, _ in answers] == [200] * 4 and "Lumbung" in answers[0][1]
    assert _port_closed(port, time.monotonic() + 20), "a worker outlived the server"


def test_serve_production_collects_static(tmp_path):
    (status, page), (css_status, _) = _serve_and_fetch(
        tmp_path, ["/en/", "/static/portal/lumbung.css"], LUMBUNG_DEBUG="0",
        LUMBUNG_SECRET_KEY=secrets.token_urlsafe(50), LUMBUNG_SSL_REDIRECT="0")
    assert status == 200 and "The registry is empty" in page
    assert css_status == 200
    assert (tmp_path / "static" / "portal" / "lumbung.css").exists()
    assert (tmp_path / "static" / "admin" / "css" / "base.css").exists()


def test_serve_refuses_an_uninitialised_database(tmp_path):
    result = subprocess.run(_lumbung("serve", "--port", str(_free_port())), env=_env(tmp_path),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "lumbung init" in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_production_without_secret_key(tmp_path):
    result = subprocess.run(_lumbung("serve", "--port", str(_free_port())), env=_env(tmp_path, LUMBUNG_DEBUG="0"),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "LUMBUNG_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


#: Production behind an HTTPS proxy on the same machine (docs/web.md).
BEHIND_PROXY = {"LUMBUNG_DEBUG": "0", "LUMBUNG_TRUSTED_PROXY": "127.0.0.1"}
HTTPS = {"X-Forwarded-Proto": "https"}


def test_behind_a_trusted_proxy_https_requests_are_served_with_hsts(tmp_path):
    """LUMBUNG_SSL_REDIRECT=1 (the default): a request the proxy marks as HTTPS is answered (no 301
    to itself), with HSTS; a plain HTTP one is redirected to HTTPS."""
    (status, _, headers), = _serve_and_fetch(tmp_path, ["/en/"], headers=HTTPS, with_headers=True,
                                             LUMBUNG_SECRET_KEY=secrets.token_urlsafe(50), **BEHIND_PROXY)
    assert status == 200
    assert "max-age=31536000" in headers.get("Strict-Transport-Security", "")
    (status, _, headers), = _serve_and_fetch(tmp_path, ["/en/"], with_headers=True,
                                             LUMBUNG_SECRET_KEY=secrets.token_urlsafe(50), **BEHIND_PROXY)
    assert status == 301 and headers["Location"].startswith("https://")


def test_behind_a_proxy_that_redirects_itself_hsts_is_still_sent(tmp_path):
    """LUMBUNG_SSL_REDIRECT=0: no redirect at all, and HSTS on the requests that came by HTTPS."""
    env = dict(LUMBUNG_SECRET_KEY=secrets.token_urlsafe(50), LUMBUNG_SSL_REDIRECT="0", **BEHIND_PROXY)
    (status, _, headers), = _serve_and_fetch(tmp_path, ["/en/"], headers=HTTPS, with_headers=True, **env)
    assert status == 200 and "Strict-Transport-Security" in headers
    (status, _, headers), = _serve_and_fetch(tmp_path, ["/en/"], with_headers=True, **env)
    assert status == 200 and "Strict-Transport-Security" not in headers


def test_without_a_trusted_proxy_the_header_is_not_believed(tmp_path):
    """A client cannot claim HTTPS itself: without LUMBUNG_TRUSTED_PROXY the header changes nothing."""
    (status, _, headers), = _serve_and_fetch(tmp_path, ["/en/"], headers=HTTPS, with_headers=True,
                                             LUMBUNG_DEBUG="0", LUMBUNG_SSL_REDIRECT="0",
                                             LUMBUNG_SECRET_KEY=secrets.token_urlsafe(50))
    assert status == 200 and "Strict-Transport-Security" not in headers


def test_every_response_carries_the_content_security_policy(tmp_path):
    (status, _, headers), = _serve_and_fetch(tmp_path, ["/"], with_headers=True)
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
