"""CLI commands of lumbung.imports (see docs)."""

commands: list = []
