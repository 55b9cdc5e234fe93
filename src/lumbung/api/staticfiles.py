"""Static files of the API docs page: only the Swagger UI files it loads, from drf-spectacular-sidecar.

The sidecar package also carries Redoc and source maps (14 MB in all, most of the collected
static files); `lumbung serve` compresses every collected file at start, so collecting the whole
package made a production start several times slower. This finder offers the four files the
page references, under the sidecar's own URL prefix (the page's links stay as drf-spectacular
writes them), and its licence.
"""

from __future__ import annotations

from pathlib import Path

import drf_spectacular_sidecar
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "drf_spectacular_sidecar/swagger-ui-dist"
FILES = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png", "LICENSE")
DIST = Path(drf_spectacular_sidecar.__file__).resolve().parent / "static" / PREFIX


class SwaggerUIFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=DIST)
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        name = path.removeprefix(PREFIX + "/")
        found = str(DIST / name) if path.startswith(PREFIX + "/") and name in FILES else None
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns):
        for name in FILES:
            yield name, self.storage
