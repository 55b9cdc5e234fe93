"""CLI commands of lumbung.jobs: ``lumbung worker`` and ``lumbung jobs clean`` (docs/workspace.md)."""

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


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs' housekeeping: remove old jobs' files."""


@jobs_group.command("clean")
@click.option("--older-than", "days", type=click.IntRange(min=0), default=None, metavar="DAYS",
              help="Remove the files of jobs finished more than DAYS days ago  [default: LUMBUNG_JOBS_KEEP_DAYS, 30].")
def clean_command(days: int | None) -> None:
    """Remove finished jobs' files (uploads, errors files) after the retention period; the jobs stay listed."""
    from lumbung import setup_django  # noqa: PLC0415 - Django is set up only by commands that need it

    setup_django()
    from lumbung.jobs.files import clean  # noqa: PLC0415 - its models load after setup_django()

    cleaned = clean(days)
    click.echo(f"{cleaned.jobs} finished jobs' files removed, {cleaned.orphans} folders of deleted jobs, "
               f"{cleaned.bytes:,} bytes freed")


commands = [worker_command, jobs_group]
