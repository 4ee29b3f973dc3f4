from django.urls import path

from .views import dashboard, mailboxes, notices

app_name = "messaging"

urlpatterns: list = []

urlpatterns += [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/figures.csv", dashboard.figures_csv, name="dashboard_figures_csv"),
    path("dashboard/messages.csv", dashboard.messages_csv, name="dashboard_messages_csv"),
    path("dashboard/alerts/", dashboard.alert_preferences, name="dashboard_alerts"),
    path(
        "dashboard/seller-central-nrn/<int:reminder_id>/done",
        dashboard.nrn_done,
        name="dashboard_nrn_done",
    ),
    path("mailboxes/", mailboxes.mailbox_list, name="mailbox_list"),
    path("mailboxes/new/<int:account_id>/", mailboxes.mailbox_create, name="mailbox_create"),
    path("mailboxes/<int:pk>/edit/", mailboxes.mailbox_edit, name="mailbox_edit"),
    path("mailboxes/<int:pk>/sync/", mailboxes.mailbox_sync, name="mailbox_sync"),
    path("mailboxes/syncs/<int:pk>/", mailboxes.sync_progress, name="sync_progress"),
    path("mailboxes/quarantine/", mailboxes.quarantine_list, name="quarantine_list"),
    path("mailboxes/quarantine/<int:pk>/raw/", mailboxes.quarantine_raw, name="quarantine_raw"),
    path(
        "mailboxes/quarantine/<int:pk>/retry/",
        mailboxes.quarantine_retry,
        name="quarantine_retry",
    ),
    path("notices/", notices.notice_list, name="notice_list"),
]
