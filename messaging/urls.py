from django.urls import path

from .views import (
    attachments,
    composer,
    dashboard,
    inbox,
    mailboxes,
    notices,
    proactive,
    reply_templates,
    thread_actions,
)

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
    path("threads/<int:pk>/", inbox.thread_detail, name="thread"),
    path("inbox/updates/", inbox.inbox_updates, name="inbox_updates"),
    path("threads/bulk/", inbox.bulk, name="bulk"),
    path("threads/<int:pk>/reply/", composer.reply, name="reply"),
    path("threads/<int:pk>/draft/", composer.save_draft, name="draft"),
    path("threads/<int:pk>/check/", composer.check_reply, name="check_reply"),
    path("orders/<int:order_id>/messages/", proactive.order_messages, name="order_messages"),
    path("orders/<int:order_id>/messages/send/", proactive.send, name="proactive_send"),
    path("orders/<int:order_id>/messages/check/", proactive.check, name="proactive_check"),
    path("orders/<int:order_id>/review-request/", proactive.review_request, name="review_request"),
    path("threads/<int:pk>/presence/", composer.ping_presence, name="presence"),
    path("threads/<int:pk>/templates/", composer.template_picker, name="template_picker"),
    path(
        "threads/<int:pk>/templates/<int:template_id>/insert/",
        composer.insert_template,
        name="insert_template",
    ),
    path(
        "threads/<int:pk>/no-response-needed/",
        thread_actions.no_response_needed,
        name="no_response_needed",
    ),
    path(
        "threads/<int:pk>/no-response-needed/undo/",
        thread_actions.undo_no_response_needed,
        name="undo_no_response_needed",
    ),
    path("threads/<int:pk>/close/", thread_actions.close, name="close"),
    path("threads/<int:pk>/reopen/", thread_actions.reopen, name="reopen"),
    path("threads/<int:pk>/assign/", thread_actions.assign, name="assign"),
    path("threads/<int:pk>/tags/", thread_actions.add_tag, name="add_tag"),
    path(
        "threads/<int:pk>/tags/<int:tag_id>/remove/", thread_actions.remove_tag, name="remove_tag"
    ),
    path("messages/<int:pk>/retry/", composer.retry_reply, name="retry_reply"),
    path("messages/<int:pk>/confirm-sent/", composer.confirm_sent, name="confirm_sent"),
    path("attachments/<int:pk>/", attachments.download, name="attachment"),
    path("reply-templates/", reply_templates.template_list, name="reply_templates"),
    path("reply-templates/<int:pk>/", reply_templates.template_edit, name="reply_template"),
    path(
        "reply-templates/<int:pk>/delete/",
        reply_templates.template_delete,
        name="reply_template_delete",
    ),
]
