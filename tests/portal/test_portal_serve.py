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


#: Runs only the registry and portal commands, so these tests do not depend on other packages' CLI.
LUMBUNG = ("import click, lumbung.registry.commands as r, lumbung.portal.commands as p; "
           "click.Group('lumbung', commands=r.commands + p.commands)()")


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


def _get(url: str, deadline: float):
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _serve_and_fetch(home, paths, **env_values):
    env = _env(home, **env_values)
    assert subprocess.run(_lumbung("init"), env=env, capture_output=True, timeout=120).returncode == 0
    port = _free_port()
    server = subprocess.Popen(_lumbung("serve", "--port", str(port), "--threads", "2"), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        return [_get(f"http://127.0.0.1:{port}{path}", deadline) for path in paths]
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_development(tmp_path):
    (status, page), (css_status, css) = _serve_and_fetch(tmp_path, ["/", "/static/portal/lumbung.css"])
    assert status == 200 and "Lumbung" in page and "<table" not in page  # empty registry
    assert css_status == 200 and "--accent" in css


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
    assert result.returncode == 1 and "lumbung init" in result.stderr


def test_serve_refuses_production_without_secret_key(tmp_path):
    result = subprocess.run(_lumbung("serve", "--port", str(_free_port())), env=_env(tmp_path, LUMBUNG_DEBUG="0"),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "LUMBUNG_SECRET_KEY" in result.stderr
