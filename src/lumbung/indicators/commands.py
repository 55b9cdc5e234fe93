"""CLI commands of lumbung.indicators (see docs)."""

commands: list = []
