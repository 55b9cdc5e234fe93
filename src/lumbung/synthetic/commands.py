"""CLI commands of lumbung.synthetic (see docs)."""

commands: list = []
