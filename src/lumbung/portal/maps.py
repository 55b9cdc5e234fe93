"""The province map: a tile grid generated from the region codes (tile_grid.tsv, one square per
province), or real shapes when the deployer supplies a GeoJSON file keyed by region code
(setting ``LUMBUNG_PORTAL_GEOJSON``; docs/web.md). Server-rendered SVG: every province is a link
with a ``<title>`` (its name and value, shown on hover and read by screen readers) and can be
reached with the keyboard.

Colours: five quantile classes of the shown (not suppressed) values on viridis; suppressed and
missing provinces are grey and hatched-free, named in the legend.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lumbung import conf, geography
from lumbung.portal.charts import VIRIDIS_5

GRID = Path(__file__).resolve().parent / "tile_grid.tsv"
TILE, GAP = 40, 3
NO_VALUE = "#d9d9d9"


@dataclass
class Tile:
    code: str
    abbr: str
    name: str
    x: float
    y: float
    fill: str
    text: str  # the formatted value, or the reason there is none
    dark: bool = False
    path: str = ""  # GeoJSON shape, when one is configured


@lru_cache(maxsize=1)
def grid() -> dict[str, tuple[str, int, int]]:
    """code -> (abbreviation, column, row), from the layout table."""
    lines = [ln for ln in GRID.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    out = {}
    for line in lines[1:]:
        code, abbr, col, row = line.split("\t")
        out[code] = (abbr, int(col), int(row))
    return out


def classes(values: list[float], count: int = 5) -> list[float]:
    """Upper bounds of ``count`` quantile classes (ascending; fewer when values repeat)."""
    ordered = sorted(values)
    if not ordered:
        return []
    bounds = [ordered[min(len(ordered) - 1, int(len(ordered) * (i + 1) / count) - 1)] for i in range(count)]
    return sorted(set(bounds))


def colour(value: float | None, bounds: list[float]) -> tuple[str, bool]:
    if value is None or not bounds:
        return NO_VALUE, False
    index = next((i for i, b in enumerate(bounds) if value <= b), len(bounds) - 1)
    # Spread the classes present over the whole scale, light (low) to dark (high).
    step = (len(VIRIDIS_5) - 1) / max(len(bounds) - 1, 1)
    shade = round(index * step)
    return VIRIDIS_5[shade], shade >= 2


def geojson_path() -> Path | None:
    setting = conf.get("LUMBUNG_PORTAL_GEOJSON")
    if not setting:
        return None
    path = Path(setting).expanduser()
    return path if path.is_file() else None


@lru_cache(maxsize=4)
def _shapes(path: str, mtime: float) -> dict[str, str]:
    """Province code -> SVG path, in an equirectangular projection of Indonesia's extent."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    west, east, north, south = 94.5, 141.5, 6.5, -11.5
    width, height = 16 * (TILE + GAP), 6 * (TILE + GAP)

    def point(lon, lat) -> str:
        return f"{(lon - west) / (east - west) * width:.1f},{(north - lat) / (north - south) * height:.1f}"

    out: dict[str, str] = {}
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        code = str(props.get("code") or props.get("kode") or props.get("region_code") or "")
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        elif geometry.get("type") != "MultiPolygon":
            continue
        rings = ("M" + " L".join(point(*xy[:2]) for xy in ring) + " Z" for poly in polygons for ring in poly)
        out[code] = out.get(code, "") + " ".join(rings)
    return out


def shapes_version() -> str:
    """Which shapes file the map draws (path and time; empty for the tile grid): part of the map's
    cache key, so a GeoJSON file set, changed or removed is drawn on the next request."""
    path = geojson_path()
    return f"{path}:{path.stat().st_mtime_ns}" if path else ""


def shapes() -> dict[str, str]:
    path = geojson_path()
    return _shapes(str(path), path.stat().st_mtime) if path else {}


def tiles(values: dict[str, tuple[float | None, str]]) -> tuple[list[Tile], list[float]]:
    """Tiles for every province; ``values``: code -> (value or None, text shown)."""
    shown = [v for v, _ in values.values() if v is not None]
    bounds = classes(shown)
    paths = shapes()
    out = []
    for code, name in geography.provinces():
        abbr, col, row = grid().get(code, (code, 0, 6))
        value, text = values.get(code, (None, ""))
        fill, dark = colour(value, bounds)
        out.append(Tile(code, abbr, name, col * (TILE + GAP), row * (TILE + GAP), fill, text, dark,
                        paths.get(code, "")))
    return out, bounds
