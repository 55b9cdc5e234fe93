"""``python -m lumbung.cli``: the same as the ``lumbung`` command."""

from lumbung.cli import main

main(prog_name="lumbung")
