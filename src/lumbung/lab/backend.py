"""Array backends: NumPy by default, CuPy behind the same calls when asked (never required)."""

from __future__ import annotations

import numpy as np

from lumbung.errors import UserError
from lumbung.i18n import _

BACKENDS = ("numpy", "cupy")


def array_module(backend: str):
    """The array module of ``backend`` ("numpy" or "cupy")."""
    if backend == "numpy":
        return np
    if backend == "cupy":
        import cupy  # type: ignore[import-not-found]  # noqa: PLC0415 - optional GPU backend, loaded only when asked for

        return cupy
    raise UserError(_("unknown backend {name!r}; use 'numpy' or 'cupy'").format(name=backend))


def to_numpy(a) -> np.ndarray:
    """To NumPy (a no-op on the NumPy backend)."""
    return a.get() if hasattr(a, "get") else np.asarray(a)
