"""Vendor the chart libraries (Vega, Vega-Lite, vega-embed) into the portal's static files.

Run from the repository root: ``python scripts/vendor_js.py``. It asks npm for each package at
the pinned version below (``npm pack``: the ordinary client, no CDN), copies the minified browser
build and the licence into ``src/lumbung/portal/static/portal/vendor/``, strips the
``//# sourceMappingURL`` comment (the maps are not shipped, and collectstatic's manifest storage
fails on a missing map), and records version, licence and SHA-256 of every copied file in
``vendor/VENDOR.json``. ``--check`` only verifies the recorded checksums.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "lumbung" / "portal" / "static" / "portal" / "vendor"
#: package -> (pinned version, file in the package, licence file). vega-embed 6.26 needs vega ^5.21.
PACKAGES = {
    "vega": ("5.30.0", "build/vega.min.js", "LICENSE"),
    "vega-lite": ("5.21.0", "build/vega-lite.min.js", "LICENSE"),
    "vega-embed": ("6.26.0", "build/vega-embed.min.js", "LICENSE"),
}
SOURCE_MAP = re.compile(rb"\n?//# sourceMappingURL=\S+\s*$")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(package: str, version: str, work: Path) -> Path:
    """The package tarball from npm, unpacked; returns its folder."""
    out = subprocess.run(["npm", "pack", f"{package}@{version}", "--silent", "--pack-destination", str(work)],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    folder = work / package
    with tarfile.open(work / out) as archive:
        archive.extractall(folder, filter="data")
    return folder / "package"


def vendor() -> dict:
    TARGET.mkdir(parents=True, exist_ok=True)
    record: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for package, (version, build, licence) in PACKAGES.items():
            folder = fetch(package, version, Path(tmp))
            meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
            script = TARGET / Path(build).name
            script.write_bytes(SOURCE_MAP.sub(b"\n", (folder / build).read_bytes()))
            licence_copy = TARGET / f"{package}.LICENSE.txt"
            licence_copy.write_bytes((folder / licence).read_bytes())
            record[package] = {"version": meta["version"], "license": meta.get("license"), "from": build,
                               "files": {p.name: sha256(p) for p in (script, licence_copy)}}
    (TARGET / "VENDOR.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return record


def check() -> list[str]:
    """Files whose checksum differs from VENDOR.json (empty: all good)."""
    record = json.loads((TARGET / "VENDOR.json").read_text(encoding="utf-8"))
    return [name for entry in record.values() for name, digest in entry["files"].items()
            if not (TARGET / name).exists() or sha256(TARGET / name) != digest]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only verify the recorded checksums")
    if parser.parse_args().check:
        bad = check()
        print("\n".join(bad) or "ok")
        return 1 if bad else 0
    for package, entry in vendor().items():
        print(f"{package} {entry['version']} ({entry['license']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
