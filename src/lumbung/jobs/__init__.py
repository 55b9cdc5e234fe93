"""Background jobs: django-tasks with a database backend (:mod:`lumbung.jobs.backend`), run by
``lumbung worker``, and the ``Job`` rows that pages and the API show (progress, summary, files)."""
