"""CLI commands of lumbung.sizeclass (see docs)."""

commands: list = []
