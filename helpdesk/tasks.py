"""Tasks that keep an eye on the background machinery itself."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "worker:heartbeat"


@shared_task
def heartbeat() -> str:
    """Record that a worker is alive; the home page shows how long ago this last ran."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


@shared_task
def ping() -> str:
    """Answer "pong" from a worker (the launcher and the smoke test use it), recording a beat."""
    heartbeat()
    return "pong"
