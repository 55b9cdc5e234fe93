"""CLI commands of lumbung.portal: ``lumbung serve`` (docs/web.md)."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface, behind a reverse proxy).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 256),
              help="Worker threads of the waitress server (requests served at the same time).")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes sharing the port (one per core for a busy public portal); each has its own "
                   "page cache and API throttle counts.")
@click.option("--warm/--no-warm", default=True, show_default=True,
              help="Fill the page cache (overview, map, province pages) before serving and after each new build.")
def serve_command(host: str, port: int, threads: int, processes: int, warm: bool) -> None:
    """Run the web app (waitress WSGI server, static files by whitenoise, no CDN)."""
    from lumbung.portal.server import serve

    # ServeError (a UserError) and a busy port (OSError) become one sentence in lumbung.cli.
    serve(host, port, threads, echo=lambda line: click.echo(line, err=True), processes=processes, warm=warm)


commands = [serve_command]
