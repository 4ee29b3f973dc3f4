"""The project package: settings, URLs, the Celery app and the embedded-default launcher."""

from .celery import app as celery_app

__all__ = ["celery_app"]
