"""Data into the registry, without the database: the import template, reading template and SIDT-KUMKM
files, and the pure ``check`` that decides, row by row, what is written and what is explained. The
import itself (check, then write) is lumbung.registry.importer; the export is lumbung.registry.export.
See docs/import.md."""

from lumbung.imports.pipeline import BATCH_SIZE, FORMATS, check
from lumbung.imports.results import ImportResult, RowError, UnusableFile, write_errors
from lumbung.imports.template import write_template

__all__ = ["BATCH_SIZE", "FORMATS", "ImportResult", "RowError", "UnusableFile", "check", "write_errors",
           "write_template"]
