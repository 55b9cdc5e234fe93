"""CLI commands of lumbung.indicators (docs/indicators.md): ``lumbung indicators``,
``lumbung analytics build`` and ``lumbung import-table``. Thin wrappers over the Python API."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from lumbung.i18n import _

OUTPUT_COLUMNS = ("indicator", "value", "numerator", "denominator")


def _usage(message: str) -> click.UsageError:
    return click.UsageError(message)


def _print_catalogue(fmt: str) -> None:
    from lumbung.indicators.catalogue import catalogue

    entries = [i.to_dict() for i in catalogue().values()]
    if fmt == "json":
        click.echo(json.dumps(entries, ensure_ascii=False, indent=1))
        return
    for ind in catalogue().values():
        click.echo("\t".join([ind.id, ind.name_id, ind.name_en, ind.unit, ind.source]))


def _present(df, public: bool, by: list[str]):
    """The CLI's long format (indicators.longformat.presented, which the API uses too)."""
    from lumbung.indicators.catalogue import catalogue
    from lumbung.indicators.longformat import presented

    return presented(df, by, public, catalogue())


def _write(df, fmt: str, out: Path | None) -> None:
    if fmt == "xlsx":
        if out is None:
            raise _usage(_("--format xlsx needs --out FILE"))
        df.to_excel(out, index=False, engine="xlsxwriter")
        return
    if fmt == "json":
        text = df.to_json(orient="records", force_ascii=False, indent=1)
    else:
        text = df.to_csv(index=False, lineterminator="\n")
    if out is None:
        click.echo(text, nl=False)
    else:
        Path(out).write_text(text, encoding="utf-8")


@click.command("indicators")
@click.option("--indicator", "-i", "indicator_ids", multiple=True,
              help="Indicator id(s), comma-separated or repeated (see --list).")
@click.option("--by", "by", default="", help="Dimensions, comma-separated: year, province, regency, district, "
              "kbli_section, kbli_division, size_class, reported_scale, legal_status, owner_gender.")
@click.option("--year", type=int, default=None, help="One year.")
@click.option("--years", default=None, help="A range Y1-Y2 (or a comma-separated list).")
@click.option("--regime", default="bps-workers", show_default=True, help="Size-class regime for size_class.")
@click.option("--where", "where_items", multiple=True, metavar="DIM=VALUE",
              help="Keep only cells where the dimension has this value; repeatable.")
@click.option("--public", is_flag=True, help="Apply disclosure control (adds a suppressed column).")
@click.option("--source", type=click.Choice(["registry", "published"]), default="registry", show_default=True,
              help="Registry analytics tables, or published aggregate tables loaded with import-table.")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
              help="What runs the compiled SQL: DuckDB in this process, or Spark (pyspark; the `scale` extra).")
@click.option("--spark-master", default=None, metavar="URL",
              help="Spark master for --engine spark, e.g. local[4] or spark://host:7077 "
                   "(default: Spark's own configuration, local[*] when none).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default="csv", show_default=True,
              help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@click.option("--list", "list_catalogue", is_flag=True, help="Print the catalogue (id, names, unit, source).")
def indicators_command(indicator_ids, by, year, years, regime, where_items, public, source, engine, spark_master,
                       fmt, out, list_catalogue) -> None:
    """Compute catalogue indicators by dimensions (long format), or list the catalogue."""
    from lumbung.indicators.catalogue import CatalogueError
    from lumbung.indicators.dimensions import DimensionError, parse_by, parse_where
    from lumbung.indicators.engine import AnalyticsMissing, compute, parse_years
    from lumbung.indicators.sqlgen import QueryError

    if list_catalogue:
        _print_catalogue(fmt)
        return
    ids = [i.strip() for item in indicator_ids for i in item.split(",") if i.strip()]
    if not ids:
        raise _usage(_("give --indicator ID[,ID...] or --list"))
    if year is not None and years:
        raise _usage(_("give either --year or --years, not both"))
    try:
        chosen = [year] if year is not None else parse_years(years)
        dims = parse_by(by)
        result = compute(ids, by=dims, years=chosen, regime=regime, where=parse_where(where_items),
                         public=public, source=source, engine=engine, spark_master=spark_master)
    except KeyError as error:
        raise _usage(str(error.args[0])) from None
    except AnalyticsMissing as error:
        raise click.ClickException(str(error)) from None
    except (DimensionError, QueryError, CatalogueError, ValueError) as error:
        raise _usage(str(error)) from None

    _write(_present(result, public, dims), fmt, out)


@click.group("analytics")
def analytics_group() -> None:
    """Analytics tables (Parquet, by year) that indicators are computed from."""


@analytics_group.command("build")
@click.option("--full", is_flag=True, help="Rewrite every year, not only those changed since the last build.")
def analytics_build(full: bool) -> None:
    """Write the analytics tables from the registry (incremental after the first build)."""
    from lumbung import setup_django
    from lumbung.indicators.analytics import build

    progress = None
    if sys.stderr.isatty():
        counter = {"rows": 0}

        def progress(n: int) -> None:
            counter["rows"] += n
            click.echo("\r" + _("{rows:,} rows").format(rows=counter["rows"]), err=True, nl=False)

    setup_django()  # the build reads the registry, hence Django
    from django.db import DatabaseError

    from lumbung.registry.rows import RegistryRows

    try:
        result = build(RegistryRows(), full=full, progress=progress)
    except DatabaseError as error:
        raise click.ClickException(_("cannot read the registry ({error}); run `lumbung init` first").format(
            error=str(error).splitlines()[0])) from None
    if progress:
        click.echo("", err=True)
    years = ", ".join(str(y) for y in result.years) or "-"
    click.echo(_("{mode} build: {rows:,} rows, years {years}, {seconds:.1f} s ({rate:,.0f} rows/s)").format(
        mode=result.mode, rows=result.rows, years=years, seconds=result.seconds, rate=result.rows_per_second))
    if result.removed:
        click.echo(_("removed years with no reports: {years}").format(years=", ".join(map(str, result.removed))))


@click.command("import-table")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--layout", required=True, help="Layout name (shipped: bps-imk-province) or a layout .toml file.")
@click.option("--year", type=int, default=None, help="Year of the table, when the layout does not give it.")
def import_table_command(file: Path, layout: str, year: int | None) -> None:
    """Load a published aggregate table (region x size class x measure) for --source published."""
    from lumbung.indicators.published import LayoutError, import_published_table

    try:
        result = import_published_table(file, layout, year=year)
    except LayoutError as error:
        raise _usage(str(error)) from None
    click.echo(_("{placed} regions placed{national}, {values} values for {year} -> {path}").format(
        placed=result.placed, national=_(" plus the national total") if result.national else "",
        values=result.values, year=result.year, path=result.path))
    for line, name in result.unplaced:
        click.echo(_("line {line}: cannot place region {name!r}").format(line=line, name=name), err=True)
    for message in result.violations:
        click.echo(_("check: {message}").format(message=message), err=True)


def _registry_source():
    """The registry as the source of the analytics tables, or None when it cannot be read yet
    (no database: then the check says nothing about staleness)."""
    from lumbung import setup_django

    setup_django()
    from django.db import DatabaseError

    from lumbung.registry.rows import RegistryRows

    source = RegistryRows()
    try:
        source.high_water_mark()
    except DatabaseError:
        return None
    return source


@click.command("check")
@click.option("--year", "years", type=int, multiple=True, help="Year to check (repeatable; default every year).")
@click.option("--rule", "rules", multiple=True, metavar="ID", help="Run only this rule (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True,
              help="text: the full report; csv: one row per violation; json: everything.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of the screen.")
def check_command(years: tuple[int, ...], rules: tuple[str, ...], fmt: str, out: Path | None) -> None:
    """Run the data-quality rules over the analytics tables: violations, missing values, coverage,
    and whether the tables are stale against the registry.

    Exits 0 even when rules are violated (it is a report); 2 on bad arguments."""
    from lumbung.i18n import language
    from lumbung.indicators.quality import AnalyticsMissing, RuleError, YearError, check, render_text

    try:
        report = check(list(years) or None, list(rules) or None, source=_registry_source())
    except KeyError as error:
        raise click.BadParameter(str(error.args[0]), param_hint="--rule") from None
    except YearError as error:
        raise click.BadParameter(str(error), param_hint="--year") from None
    except (AnalyticsMissing, RuleError) as error:
        raise click.ClickException(str(error)) from None
    if fmt == "csv":
        text = report.violations.to_csv(index=False, lineterminator="\n")
    elif fmt == "json":
        text = json.dumps(report.to_dict(language()), ensure_ascii=False, indent=1) + "\n"
    else:
        text = render_text(report, language())
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


commands: list = [indicators_command, analytics_group, import_table_command, check_command]
