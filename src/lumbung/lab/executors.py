"""Where an ensemble's runs execute: this process, a pool of processes, or a Dask cluster.

Each function maps ``fn`` over ``items`` and returns the results in the items' order, whatever
order they finished in, calling ``progress(done, total)`` after each. This module imports
nothing heavy (the CLI reads EXECUTORS at start-up); Dask is the optional ``scale`` extra and is
loaded only when asked for.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

from lumbung.errors import UserError
from lumbung.i18n import _

EXECUTORS = ("process", "serial", "dask")
#: Seconds to wait for a Dask scheduler named by address before giving up.
CONNECT_TIMEOUT = 30

Progress = Callable[[int, int], None]

#: Dask's nanny starts its workers with MALLOC_TRIM_THRESHOLD_=65536, which switches off glibc's
#: adaptive mmap threshold: every large NumPy temporary of a run is then mapped and unmapped
#: afresh, and a run took 15x the page faults and 1.6x the CPU time (benchmarks/
#: bench_ensemble_dask.py; docs/lab-runs.md). The lab's local clusters keep glibc's default.
WORKER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


def serially(fn: Callable, items: Sequence, progress: Progress | None = None) -> list:
    results = []
    for done, item in enumerate(items, start=1):
        results.append(fn(item))
        if progress:
            progress(done, len(items))
    return results


def on_executor(fn: Callable, items: Sequence, pool: Executor, progress: Progress | None = None) -> list:
    """On any ``concurrent.futures.Executor`` (used as it is, not shut down)."""
    futures = {pool.submit(fn, item): index for index, item in enumerate(items)}
    results: list[Any] = [None] * len(items)
    for done, future in enumerate(as_completed(futures), start=1):
        results[futures[future]] = future.result()
        if progress:
            progress(done, len(items))
    return results


def process_pool(workers: int | None) -> ProcessPoolExecutor:
    """A pool of spawned processes (spawn, not fork: the same on Linux, macOS and Windows, and
    safe when the caller runs threads, e.g. a web server or a progress bar)."""
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1,
                               mp_context=multiprocessing.get_context("spawn"))


def on_processes(fn: Callable, items: Sequence, workers: int | None, progress: Progress | None = None) -> list:
    with process_pool(workers) as pool:
        return on_executor(fn, items, pool, progress)


def _distributed():
    try:
        import dask.distributed  # noqa: PLC0415 - optional dependency (the scale extra), loaded only for --executor dask
    except ImportError as error:
        raise UserError(_("the dask executor needs Dask: pip install 'lumbung[scale]' "
                          "(or use --executor process)")) from error
    return dask.distributed


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A ``dask.distributed.Client``: on the cluster whose scheduler is at ``scheduler`` (e.g.
    ``tcp://10.0.0.5:8786``); else the client already running in this process, if any (e.g. one
    a notebook or a national-scale job set up); else a LocalCluster of ``workers``
    single-threaded worker processes, started for the ensemble and closed after it."""
    distributed = _distributed()
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as error:
            raise UserError(_("cannot reach the Dask scheduler at {address}: {reason}").format(
                address=scheduler, reason=error)) from error
        with client:
            yield client
        return
    try:
        yield distributed.Client.current()
        return
    except ValueError:  # no client is running
        pass
    with local_cluster(workers) as cluster, distributed.Client(cluster) as client:
        yield client


def local_cluster(workers: int | None = None, config: dict | None = None):
    """A ``dask.distributed.LocalCluster`` of ``workers`` (default: all cores) single-threaded
    worker processes, under Dask ``config`` (default WORKER_CONFIG: glibc's default allocation)."""
    distributed = _distributed()
    import dask.config  # noqa: PLC0415 - loaded with dask.distributed above (the scale extra)

    with dask.config.set(WORKER_CONFIG if config is None else config):  # read when the nannies are made
        return distributed.LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                        processes=True, dashboard_address=None)


def on_dask(fn: Callable, items: Sequence, shared: Any = None, workers: int | None = None,
            scheduler: str | None = None, progress: Progress | None = None) -> list:
    """``fn(item)`` (or ``fn(item, shared)``) for each item on Dask (see :func:`dask_client`).

    ``shared``, when given, is sent to every worker once (scattered) instead of with every item.
    """
    distributed = _distributed()
    with dask_client(workers, scheduler) as client:
        extra = [] if shared is None else [client.scatter(shared, broadcast=True)]
        futures = {client.submit(fn, item, *extra, pure=False): index for index, item in enumerate(items)}
        results: list[Any] = [None] * len(items)
        for done, future in enumerate(distributed.as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress:
                progress(done, len(items))
        return results
