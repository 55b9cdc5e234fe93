"""``generate``: the panel, the enterprise attributes and the yearly reports, joined into one
Arrow table in template column order."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from lumbung.i18n import _
from lumbung.synthetic import calibration as cal
from lumbung.synthetic import enterprises, panel, reports
from lumbung.synthetic.identity import IdBlock
from lumbung.vocabulary import TEMPLATE_COLUMNS, TEMPLATE_FIELDS

_ARROW_TYPES = {
    "text": pa.string(),
    "choice": pa.string(),
    "int": pa.int64(),
    "year": pa.int64(),
    "money": pa.int64(),
    "bool": pa.bool_(),
}
#: Arrow schema of the template (and of every generated table).
SCHEMA = pa.schema([pa.field(f.name, _ARROW_TYPES[f.kind]) for f in TEMPLATE_FIELDS])

MAX_FIRMS = 50_000_000


def _check(firms: int, years: int, seed: int, start_year: int) -> None:
    if not isinstance(firms, int) or firms < 1 or firms > MAX_FIRMS:
        raise ValueError(_("firms must be a whole number from 1 to {limit}").format(limit=MAX_FIRMS))
    if not isinstance(years, int) or not 1 <= years <= 50:
        raise ValueError(_("years must be a whole number from 1 to 50"))
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(_("seed must be a whole number of at least 0"))
    if not isinstance(start_year, int) or not 1900 <= start_year <= 2100:
        raise ValueError(_("start year must be between 1900 and 2100"))


def _birth_capital(p: panel.Panel, traits: enterprises.Traits) -> np.ndarray:
    """Business capital in a firm's first year without the yearly shock: what the owner declared
    at NIB registration (used for the reported scale)."""
    f = p.firms
    t = reports.tables()
    c = cal.raw()
    growth = (1 + c["productivity"]["nominal_growth"]) ** f.entry_year
    output = f.birth_workers * t["output_per_worker"][f.province, f.birth_class] * traits.productivity * growth
    assets = output * np.array(c["capital"]["asset_output_ratio"])[f.birth_class] * traits.asset_noise
    return assets * traits.capital_factor


def generate(
    firms: int,
    years: int,
    seed: int,
    start_year: int = 2021,
    progress: Callable[[int], None] | None = None,
    ids: IdBlock | None = None,
) -> pa.Table:
    """A population of ``firms`` enterprises observed for ``years`` years from ``start_year``.

    One row per enterprise and year it is alive (about 10% exit and as many enter each year), in
    ``TEMPLATE_COLUMNS`` order. ``progress``, if given, is called with 1 after each of
    ``years + 1`` steps (the panel, then each year's rows). ``ids``: where source ids and NIBs
    start, for a block of a larger population (lumbung.synthetic.partitioned).
    """
    _check(firms, years, seed, start_year)
    rng = np.random.Generator(np.random.PCG64(seed))
    p = panel.simulate(rng, firms, years)
    traits = enterprises.draw_traits(rng, p)
    static = enterprises.columns(rng, p, traits, seed, start_year, _birth_capital(p, traits), ids)
    if progress:
        progress(1)
    tables = []
    for year_index, state in enumerate(p.years):
        yearly = reports.columns(rng, state, year_index, start_year + year_index, p.firms, traits)
        index = pa.array(state.firm)
        arrays = [static[name].take(index) if name in static else yearly[name] for name in TEMPLATE_COLUMNS]
        tables.append(pa.Table.from_arrays(arrays, schema=SCHEMA))
        if progress:
            progress(1)
    return pa.concat_tables(tables)
