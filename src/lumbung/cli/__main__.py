"""``python -m lumbung.cli``: the same as the ``lumbung`` command."""

from lumbung.cli import main

if __name__ == "__main__":
    main(prog_name="lumbung")
