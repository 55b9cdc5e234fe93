"""The lab's labels and period: every list derives from the package that owns the codes.

Categorical firm states are small integer codes into these tuples (index i of ``DIVISIONS`` is
division code i of a Population), so the lab's lists are the project's lists, never copies:

* ``DIVISIONS``: the KBLI 2020 divisions of section C (manufacturing, 10-33), from
  :mod:`lumbung.sectors`: the lab models industry (IKM) only;
* ``PROVINCES``: the Kemendagri province codes (38 since the 2022 Papua split), from
  :mod:`lumbung.geography`;
* ``SIZE_CLASSES`` and ``SIZE_BOUNDS``: the BPS classes by persons engaged (household/craft
  "micro" 1-4, small 5-19, medium 20-99, large 100+; BPS industry statistics, cited by Kuncoro
  2007 and DIMENSIA 2011), from the ``bps-workers`` regime of :mod:`lumbung.sizeclass`. The lab
  reports by this regime because it is the one defined on a state the model moves every quarter
  (workers);
* ``FORMALITY``: the registry's legal statuses, from :mod:`lumbung.vocabulary`.
"""

from __future__ import annotations

import numpy as np

from lumbung import geography, sectors, sizeclass, vocabulary

#: The model's step is a quarter (docs/lab.md, "Period: a quarter").
PERIODS_PER_YEAR = 4

DIVISIONS: tuple[str, ...] = tuple(s.code for s in sectors.divisions("C"))
PROVINCES: tuple[str, ...] = tuple(code for code, _name in geography.provinces())

SIZE_REGIME = "bps-workers"
_REGIME = sizeclass.get_regime(SIZE_REGIME)
SIZE_CLASSES: tuple[str, ...] = tuple(_REGIME.classes)


def lower_bounds(regime) -> np.ndarray:
    """Fewest persons engaged of every class but the first (the ``workers >=`` condition of each
    of the regime's rules after the first), as float32: ``[5, 20, 100]`` for BPS."""
    bounds = []
    for rule in regime.rules[1:]:
        at_least = [c.value for c in rule.when.parts if getattr(c, "field", None) == "workers" and c.op == ">="]
        if len(at_least) != 1:
            raise ValueError(f"regime {regime.id}: rule {rule.size_class!r} has no single 'workers >=' bound")
        bounds.append(at_least[0])
    return np.array(bounds, dtype=np.float32)


SIZE_BOUNDS = lower_bounds(_REGIME)
TECHNIQUES = ("traditional", "modern")
FORMALITY: tuple[str, ...] = tuple(vocabulary.LEGAL_STATUSES)

#: Summary cells: size class x KBLI division x province.
CELLS_PER_SIZE = len(DIVISIONS) * len(PROVINCES)
CELLS = len(SIZE_CLASSES) * CELLS_PER_SIZE


def size_class_of(workers, xp=np):
    """int8 index into SIZE_CLASSES of rounded persons engaged (any array module ``xp``).

    ``workers >= bound - 0.5`` is ``round(workers) >= bound`` for the fractional workforce the
    model carries (it adjusts a firm's workers gradually).
    """
    size = (workers >= np.float32(SIZE_BOUNDS[0] - 0.5)).view(np.int8).copy()
    for bound in SIZE_BOUNDS[1:]:
        size += (workers >= np.float32(bound - 0.5)).view(np.int8)
    return size
