"""Lumbung: the information center for Indonesia's small and medium industries (IKM).

Domain packages (``sizeclass``, ``geography``, ``sectors``, ``synthetic``, ``indicators``,
``lab``) are pure Python and never import Django. The Django apps (``registry``, ``portal``,
``api``) and the CLI call the same functions.
"""

__version__ = "0.1.0"


def setup_django() -> None:
    """Configure Django once for callers outside a Django process (CLI, notebooks, jobs)."""
    import os

    import django
    from django.apps import apps

    if apps.ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumbung.settings")
    django.setup()
