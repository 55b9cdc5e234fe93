"""Lumbung: the information center for Indonesia's small and medium industries (IKM).

Domain packages (``sizeclass``, ``geography``, ``sectors``, ``synthetic``, ``indicators``,
``lab``) are pure Python and never import Django. The Django apps (``registry``, ``portal``,
``api``) and the CLI call the same functions.
"""

import os

__version__ = "0.1.0"


def setup_django() -> None:
    """Configure Django once for callers outside a Django process (CLI, notebooks, jobs); Django's own
    messages (password validators, form errors) then follow ``LUMBUNG_LANGUAGE`` like ours."""
    import django  # noqa: PLC0415 - `import lumbung` stays free of Django (domain packages import it)
    from django.apps import apps  # noqa: PLC0415 - likewise
    from django.utils import translation  # noqa: PLC0415 - likewise

    from lumbung.i18n import language  # noqa: PLC0415 - likewise (keeps `import lumbung` minimal)

    if apps.ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumbung.settings")
    django.setup()
    translation.activate(language())
