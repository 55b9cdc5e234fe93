"""CLI command of lumbung.jobs: ``lumbung worker`` (docs/jobs.md)."""

from __future__ import annotations

import click


@click.command("worker")
@click.option("--interval", type=click.FloatRange(min=0.1), default=1.0, show_default=True,
              help="Seconds between looks for new tasks.")
@click.option("--once", is_flag=True, help="Run the tasks waiting now, then stop.")
def worker_command(interval: float, once: bool) -> None:
    """Run background jobs (imports, lab runs) queued in the database, until stopped with Ctrl-C."""
    from lumbung import setup_django  # noqa: PLC0415 - Django is set up only by commands that need it

    setup_django()
    from lumbung.jobs.worker import run_worker  # noqa: PLC0415 - its models load after setup_django()

    try:
        count = run_worker(interval=interval, once=once, echo=lambda line: click.echo(line, err=True))
    except KeyboardInterrupt:
        return
    click.echo(f"{count} tasks run")


commands = [worker_command]
