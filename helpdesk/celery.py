"""The Celery application and its beat schedule.

Tasks live in each app's `tasks.py`; they are a few lines that call a service.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(related_name="order_tasks")

app.conf.beat_schedule = {
    "worker-heartbeat": {
        "task": "helpdesk.tasks.heartbeat",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "orders-sync-recent": {
        "task": "orders.tasks.sync_all_recent_orders",
        "schedule": 300.0,
        "options": {"expires": 280},
    },
    "orders-hydrate-thread-orders": {
        "task": "messaging.order_tasks.hydrate_all_thread_orders",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "orders-purge-buyer-data": {
        "task": "orders.tasks.purge_buyer_data",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "metrics-refresh-rollups": {
        "task": "messaging.metrics.tasks.refresh_rollups",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "metrics-at-risk-alerts": {
        "task": "messaging.metrics.tasks.send_at_risk_alerts",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "metrics-daily-summaries": {
        "task": "messaging.metrics.tasks.send_daily_summaries",
        "schedule": 900.0,
        "options": {"expires": 890},
    },
    "metrics-nightly-rollup-rebuild": {
        "task": "messaging.metrics.tasks.rebuild_recent_rollups",
        "schedule": crontab(hour=3, minute=17),
    },
    "pull-mailboxes": {
        "task": "messaging.tasks.pull_all_mailboxes",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "outbox-recovery": {
        "task": "messaging.tasks.recover_outbox",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}
