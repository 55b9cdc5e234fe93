"""Data in and out of the registry: the import template, one import path for template and SIDT-KUMKM
files (every good row stored, every bad row explained). The export is lumbung.registry.export. See
docs/import.md."""

from lumbung.imports.pipeline import BATCH_SIZE, FORMATS, import_file, import_table
from lumbung.imports.results import ImportResult, RowError, UnusableFile, write_errors
from lumbung.imports.template import write_template
from lumbung.imports.validate import check

__all__ = ["BATCH_SIZE", "FORMATS", "ImportResult", "RowError", "UnusableFile", "check", "import_file",
           "import_table", "write_errors", "write_template"]
