"""Fuzz the import readers with a generated mutation corpus (issue 8, point 14; RELIABILITY.md).

    python scripts/fuzz_import.py --inputs 10000 --seed 1 [--published 2000] [--store-every 50]

Each input is a template (CSV, XLSX, Parquet) or SIDT file built from valid rows and then mutated
(strange values, duplicated and conflicting rows, empty columns, truncation, stray delimiters and
quotes, other encodings and line ends, damaged workbooks, Excel formulas, error and merged cells);
``--published`` adds published tables (lumbung.indicators.published). The invariant of
``tests/imports/fuzz_corpus.py`` is checked on each: no traceback; every row stored or reported
with its line; stored values equal the file's. With ``--store-every N`` every N-th input is also
imported into a fresh SQLite registry (one for the whole run, so later files meet earlier
enterprises), and "N imported" must equal the reports written and the registry's growth. Findings are printed grouped, with one example file kept each under
``--keep`` (default: a temporary folder). Exit status 1 when anything was found.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "imports"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--published", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store-every", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lumbung-fuzz-"))
    os.environ["LUMBUNG_HOME"] = str(work / "home")
    keep = args.keep or work / "findings"
    keep.mkdir(parents=True, exist_ok=True)

    import fuzz_corpus as corpus  # noqa: PLC0415 - after sys.path and LUMBUNG_HOME are set

    rng = random.Random(args.seed)
    found: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}
    kinds: collections.Counter[str] = collections.Counter()
    started = time.perf_counter()
    store = _Store() if args.store_every else None
    tally: dict[str, int] = {}
    for number in range(args.inputs):
        path, fmt, expected = corpus.generate(rng, work, number)
        kinds[f"{fmt}{path.suffix}"] += 1
        problems = corpus.findings(path, fmt, expected, tally)
        if store and number % args.store_every == 0:
            problems += store.check(path, fmt, number)
        _record(problems, path, keep, found, examples)
        path.unlink(missing_ok=True)
    if args.published:
        from lumbung.indicators import published  # noqa: PLC0415 - only with --published

        layout = published.load_layout("bps-imk-province")
        for number in range(args.published):
            path = corpus.published_input(rng, work, number, layout)
            kinds["published.csv"] += 1
            _record(corpus.published_findings(path, layout), path, keep, found, examples)
            path.unlink(missing_ok=True)
    elapsed = time.perf_counter() - started
    total = args.inputs + args.published
    print(f"{total} inputs ({', '.join(f'{k}: {v}' for k, v in sorted(kinds.items()))}) in {elapsed:.0f} s "
          f"({1000 * elapsed / max(total, 1):.0f} ms each), seed {args.seed}")
    print(f"template and SIDT inputs: {tally.get('unusable', 0)} refused with one sentence (UserError); "
          f"{tally.get('stored', 0)} rows to store and {tally.get('reported', 0)} rows reported with their line")
    if store:
        print(f"{store.imports} imported into the registry: {store.rows} rows stored or rejected")
    print(f"{sum(found.values())} findings in {len(found)} kinds" + (f"; examples in {keep}" if found else ""))
    for kind, count in found.most_common():
        print(f"  {count:6d}  {kind}\n          e.g. {examples[kind]}")
    if not args.keep and not found:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if found else 0


def _record(problems, path: Path, keep: Path, found, examples) -> None:
    for problem in problems:
        kind = problem.split(":")[0] + ":" + problem.split(":")[1][:50] if problem.startswith("traceback") \
            else " ".join(w for w in problem.split()[:4] if not w.isdigit())
        found[kind] += 1
        if kind not in examples:
            copy = keep / f"{len(examples):03d}-{path.name}"
            shutil.copy(path, copy)
            examples[kind] = f"{copy.name}: {problem}"


class _Store:
    """Imports into a fresh SQLite registry under LUMBUNG_HOME and checks the counts."""

    def __init__(self):
        from django.core.management import call_command  # noqa: PLC0415 - Django only with --store-every

        from lumbung import setup_django  # noqa: PLC0415

        setup_django()
        call_command("migrate", verbosity=0)
        self.imports = self.rows = 0

    def check(self, path: Path, fmt: str, number: int) -> list[str]:
        from lumbung.errors import UserError  # noqa: PLC0415
        from lumbung.registry.importer import import_file  # noqa: PLC0415
        from lumbung.registry.models import AnnualReport  # noqa: PLC0415

        before = AnnualReport.objects.count()
        try:
            result = import_file(path, format=fmt, source=f"fuzz{number}")
        except UserError:
            return []
        except Exception as error:  # noqa: BLE001 - the fuzzer's finding
            return [f"traceback: {type(error).__name__} (import): {str(error)[:160]}"]
        self.imports += 1
        self.rows += result.imported + result.rejected
        counts = result.counts
        written = counts["reports_created"] + counts["reports_updated"] + counts["reports_unchanged"]
        found = []
        if written != result.imported:
            found.append(f"import said {result.imported} imported but wrote {written} reports")
        if AnnualReport.objects.count() - before != counts["reports_created"]:
            found.append(f"import said {counts['reports_created']} reports created but the registry grew by "
                         f"{AnnualReport.objects.count() - before}")
        return found


if __name__ == "__main__":
    sys.exit(main())
