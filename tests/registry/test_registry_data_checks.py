"""A broken install is refused (issue 9 point 5): system check lumbung.E002 loads every shipped data
file, and `lumbung init` and `lumbung serve` stop with one sentence when one does not load."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lumbung.cli import main
from lumbung.registry import checks


@pytest.fixture
def broken_rules(tmp_path, monkeypatch):
    """The quality rules replaced by a damaged copy (a TOML file cut in the middle)."""
    damaged = tmp_path / "quality.toml"
    damaged.write_text('[[rule]]\nid = "no_workers"\nkind = "expres')
    entry = ("quality rules", "lumbung.indicators.quality", "load_rules", {"path": damaged}, None)
    monkeypatch.setattr(checks, "DATA_FILES", [*checks.DATA_FILES, entry])
    return damaged


def test_the_shipped_data_files_load():
    assert checks.data_file_errors() == []
    assert checks.check_data_files() == []
    assert {what for what, *_ in checks.DATA_FILES} >= {"indicator catalogue", "quality rules", "size-class regimes",
                                                         "published-table layouts", "lab scenarios"}


def test_a_damaged_file_is_an_error(broken_rules):
    [error] = checks.check_data_files()
    assert error.id == "lumbung.E002" and "quality rules" in error.msg


def test_the_check_is_registered():
    from django.core import checks as django_checks

    assert checks.check_data_files in django_checks.registry.registry.get_checks()
    assert checks.check_proxy in django_checks.registry.registry.get_checks(include_deployment_checks=True)


@pytest.mark.django_db
def test_init_refuses_a_broken_install(broken_rules):
    result = CliRunner().invoke(main, ["init"], catch_exceptions=False)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "installation is broken" in result.output and "quality rules" in result.output


@pytest.mark.django_db
def test_serve_refuses_a_broken_install(broken_rules):
    from lumbung.portal.server import ServeError, prepare

    with pytest.raises(ServeError, match="lumbung.E002"):
        prepare()
