"""The Celery application and its beat schedule.

Tasks live in each app's `tasks.py`; they are a few lines that call a service.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "worker-heartbeat": {
        "task": "helpdesk.tasks.heartbeat",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "outbox-recovery": {
        "task": "messaging.tasks.recover_outbox",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}
