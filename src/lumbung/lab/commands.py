"""CLI commands of lumbung.lab (see docs)."""

commands: list = []
