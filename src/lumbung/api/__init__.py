"""The web API under ``/api/`` (Django REST Framework, drf-spectacular; docs/api.md).

Read endpoints (indicators, catalogue, regions, KBLI, regimes, classification, published tables)
are public and every figure goes through :mod:`lumbung.indicators.disclosure` for callers who may
not see unsuppressed cells. Write endpoints (enterprises, reports) are scoped by
``Enterprise.objects.visible_to(user)``, validated by the registry's rules and protected against
lost updates by ``If-Match``. Scripts authenticate with hashed tokens (:mod:`lumbung.api.tokens`).
"""
