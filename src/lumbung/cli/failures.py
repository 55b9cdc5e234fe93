"""How the ``lumbung`` command reports a failure: one sentence in the user's language, never a
traceback (issue 8 point 8).

Expected failures (:class:`lumbung.errors.UserError`, click's usage errors, a missing file, a busy
port, Ctrl+C) print one sentence and exit 2. Anything else is a defect: its traceback goes to a
log file in ``LUMBUNG_HOME/logs`` and the user is told where it is (exit 1).
"""

from __future__ import annotations

import errno
import os
import re
import sys
import time
from pathlib import Path

import click

from lumbung import conf
from lumbung.errors import UserError
from lumbung.i18n import _

#: Exit status of an expected failure (click's own for usage errors) and of a defect.
EXIT_EXPECTED = 2
EXIT_DEFECT = 1

#: Exception classes of other packages that mean "bad input" although they are not (yet)
#: subclasses of UserError; named here so the CLI needs not import their modules. A class counts
#: only when its module is already loaded (then the command raised it).
EXPECTED_ELSEWHERE = (
    "lumbung.indicators.sqlgen.QueryError",
    "lumbung.indicators.published.LayoutError",
    "lumbung.indicators.engine.AnalyticsMissing",
    "lumbung.indicators.dimensions.DimensionError",
    "lumbung.indicators.quality.RuleError",
    "lumbung.indicators.quality.YearError",
    "lumbung.indicators.catalogue.CatalogueError",
    "lumbung.lab.scenarios.ScenarioError",
    "lumbung.registry.nik.NIKError",
    "lumbung.imports.results.UnusableFile",
    "django.core.exceptions.ImproperlyConfigured",
)


#: 16 digits in a row, alone: it may be a NIK typed into any field (issue 8 point 11).
_NIK_LIKE = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")


def mask_niks(text: str) -> str:
    """Mask every run of 16 digits the way a NIK is masked, wherever it appears.

    >>> mask_niks("bad nib 3204011234560001 on line 7")
    'bad nib 3204********0001 on line 7'
    """
    return _NIK_LIKE.sub(r"\1********\2", text)


def _loaded_classes(names) -> tuple[type, ...]:
    found = []
    for dotted in names:
        module_name, _dot, class_name = dotted.rpartition(".")
        module = sys.modules.get(module_name)
        cls = getattr(module, class_name, None) if module else None
        if isinstance(cls, type):
            found.append(cls)
    return tuple(found)


#: errno of the OSError subclasses that some libraries (Polars) raise without one
_ERRNO_OF_CLASS = {FileNotFoundError: errno.ENOENT, PermissionError: errno.EACCES, IsADirectoryError: errno.EISDIR,
                   NotADirectoryError: errno.ENOTDIR, FileExistsError: errno.EEXIST}


def _errno(error: OSError) -> int | None:
    if error.errno is not None:
        return error.errno
    return next((number for cls, number in _ERRNO_OF_CLASS.items() if isinstance(error, cls)), None)


def _os_sentence(error: OSError) -> str:
    """One sentence for an operating-system error, by its errno."""
    if error.filename is not None:
        where = str(error.filename)
    else:  # "No such file or directory (os error 2): /path" (Polars) -> the path
        where = str(error).rpartition(": ")[2] if ": " in str(error) else ""
    number = _errno(error)
    if number == errno.EADDRINUSE:
        return _("The address is already in use: another program listens on that port; choose another with --port.")
    if number == errno.EADDRNOTAVAIL:
        return _("The address cannot be used on this machine; check --host.")
    if number == errno.ENOENT:
        return _("No such file or folder: {path}.").format(path=where)
    if number in (errno.EACCES, errno.EPERM):
        return _("Permission denied: {path}.").format(path=where)
    if number == errno.ENOSPC:
        return _("The disk is full: {path}.").format(path=where)
    if number == errno.EISDIR:
        return _("A folder was given where a file is expected: {path}.").format(path=where)
    if number == errno.ENOTDIR:
        return _("A file was given where a folder is expected: {path}.").format(path=where)
    if number == errno.EEXIST:
        return _("It already exists: {path}.").format(path=where)
    return _("The operating system refused: {reason} {path}").format(reason=error.strerror or error, path=where).strip()


def _database_sentence(error: Exception) -> str | None:
    """A database that cannot be reached or is not initialised (Django's OperationalError and
    ProgrammingError, detected without importing Django)."""
    names = {f"{cls.__module__}.{cls.__name__}" for cls in type(error).__mro__}
    if not names & {"django.db.utils.OperationalError", "django.db.utils.ProgrammingError"}:
        return None
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return _("The registry database cannot be used ({reason}); check LUMBUNG_DATABASE_URL and run "
             "`lumbung init`.").format(reason=first_line)


def expected_sentence(error: BaseException) -> str | None:
    """The sentence for an expected failure, or None when ``error`` is a defect."""
    if isinstance(error, UserError) or isinstance(error, _loaded_classes(EXPECTED_ELSEWHERE)):
        return str(error) or type(error).__name__
    if isinstance(error, (KeyboardInterrupt, click.Abort)):
        return _("Interrupted.")
    if isinstance(error, OSError) and _errno(error) is not None:
        return _os_sentence(error)
    return _database_sentence(error) if isinstance(error, Exception) else None


def log_folder() -> Path:
    """``LUMBUNG_HOME/logs``, or the system's temporary folder when that cannot be created."""
    try:
        folder = conf.home() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        import tempfile  # noqa: PLC0415 - only when the data folder is unusable (start-up time)

        return Path(tempfile.gettempdir())


def write_log(error: BaseException, argv: list[str]) -> Path:
    """Write the traceback of a defect to a new file and return its path."""
    import traceback  # noqa: PLC0415 - only a defect needs it (start-up time of every command)

    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = log_folder() / f"lumbung-{stamp}-{os.getpid()}.log"
    text = "".join(traceback.format_exception(error))
    # argv may hold a password or a NIK only through stdin, never on the command line (--password prompts).
    path.write_text(mask_niks(f"lumbung {' '.join(argv)}\n{text}"), encoding="utf-8")
    return path


def report(error: BaseException, argv: list[str]) -> int:
    """Print what went wrong for the user and return the exit status."""
    if isinstance(error, click.ClickException):
        error.message = mask_niks(error.message)
        error.show()
        return EXIT_EXPECTED
    sentence = expected_sentence(error)
    if sentence is not None:
        click.echo(_("Error: {message}").format(message=mask_niks(sentence)), err=True)
        return EXIT_EXPECTED
    path = write_log(error, argv)
    click.echo(_("Unexpected error ({kind}); this is a defect in Lumbung. The details are in {path}: "
                 "please include that file when you report it.").format(kind=type(error).__name__, path=path),
               err=True)
    return EXIT_DEFECT
