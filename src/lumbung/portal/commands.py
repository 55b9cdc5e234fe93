"""CLI commands of lumbung.portal (see docs)."""

commands: list = []
