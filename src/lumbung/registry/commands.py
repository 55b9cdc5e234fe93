"""CLI commands of lumbung.registry (see docs)."""

commands: list = []
