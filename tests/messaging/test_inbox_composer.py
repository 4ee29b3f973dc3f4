"""The composer: queueing replies, attachments, drafts, collisions, templates, downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from messaging import presence, services
from messaging.models import Attachment, Message, OutgoingState, ReplyDraft, ReplyTemplate
from messaging.placeholders import fill

from .inbox_data import buyer_thread, outbound, with_order

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "composer"}


def url(name: str, *args) -> str:
    return reverse(f"messaging:{name}", args=args)


@pytest.fixture
def agent(client, team):
    client.force_login(team.agent)
    return client


def test_reply_is_queued_in_the_same_transaction(
    agent, team, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    thread = buyer_thread(team.account)
    ReplyDraft.objects.create(thread=thread, user=team.agent, body="draft")
    with django_capture_on_commit_callbacks() as callbacks, django_assert_max_num_queries(60):
        response = agent.post(url("reply", thread.pk), {"text": "It ships today."}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#conversation"
    reply = thread.messages.get(direction="out")
    assert reply.outgoing_state == OutgoingState.QUEUED
    assert (reply.to_address, reply.from_address) == (
        thread.buyer_alias,
        reply.mailbox.email_address,
    )
    buyer_message = thread.messages.get(direction="in")
    assert reply.in_reply_to == buyer_message.message_id
    assert reply.references.endswith(f"<{buyer_message.message_id}>")
    assert reply.subject == "Re: Where is my order?"
    assert reply.message_id.endswith("@" + reply.mailbox.email_address.split("@")[1])
    assert len(callbacks) == 1  # the send task is handed over only after commit
    assert not ReplyDraft.objects.exists()
    assert "Queued" in response.text


def test_reply_without_a_mailbox_is_refused_clearly(agent, team):
    thread = buyer_thread(team.account)
    team.account.mailboxes.update(enabled=False)
    response = agent.post(url("reply", thread.pk), {"text": "Hello"}, **HTMX)
    assert "no mailbox to send replies from" in response.text
    assert not thread.messages.filter(direction="out").exists()


def test_empty_reply_is_refused(agent, team):
    thread = buyer_thread(team.account)
    response = agent.post(url("reply", thread.pk), {"text": "   "}, **HTMX)
    assert "This field is required" in response.text


def test_reply_with_an_allowed_attachment(agent, team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    thread = buyer_thread(team.account)
    pdf = SimpleUploadedFile("label.pdf", b"%PDF-1.4 label", content_type="application/pdf")
    agent.post(
        url("reply", thread.pk), {"text": "Your return label.", "attachments": [pdf]}, **HTMX
    )
    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.content_type) == ("label.pdf", "application/pdf")
    assert attachment.file.read() == b"%PDF-1.4 label"


def test_thirty_megabyte_attachment_gets_a_clear_error_and_keeps_the_text(agent, team):
    thread = buyer_thread(team.account)
    big = SimpleUploadedFile("photo.jpg", b"x" * (30 * 1024 * 1024), content_type="image/jpeg")
    response = agent.post(
        url("reply", thread.pk), {"text": "See the photo.", "attachments": [big]}, **HTMX
    )
    assert "at most 10.0\xa0MB; these are 30.0\xa0MB" in response.text
    assert "See the photo." in response.text
    assert not Message.objects.filter(direction="out").exists()


def test_executable_attachment_is_refused(agent, team):
    thread = buyer_thread(team.account)
    exe = SimpleUploadedFile("manual.pdf.exe", b"MZ", content_type="application/pdf")
    response = agent.post(url("reply", thread.pk), {"text": "Manual", "attachments": [exe]}, **HTMX)
    assert "manual.pdf.exe: Amazon accepts only these file types" in response.text


def test_blocking_compliance_finding_refuses_to_queue(agent, team):
    thread = buyer_thread(team.account)
    text = (
        "The manual is at https://www.kitchen-deals.com/manual, or write to help@kitchen-deals.com."
    )
    response = agent.post(url("reply", thread.pk), {"text": text}, **HTMX)
    assert "LINK_EXTERNAL" in response.text and "CONTACT_EMAIL" in response.text
    assert not thread.messages.filter(direction="out").exists()


def test_the_compliance_hook_finds_nothing_in_a_plain_reply(team):
    from messaging import reply_check

    thread = buyer_thread(team.account)
    assert reply_check.check_reply(thread, "Any text", []) == []


def test_draft_is_saved_and_restored(agent, team, django_assert_max_num_queries):
    thread = buyer_thread(team.account)
    with django_assert_max_num_queries(12):
        response = agent.post(url("draft", thread.pk), {"text": "Half a sen"})
    assert "Draft saved" in response.text
    body = agent.get(url("thread", thread.pk)).text
    assert ">Half a sen</textarea>" in body
    agent.post(url("draft", thread.pk), {"text": ""})
    assert not ReplyDraft.objects.exists()


def test_another_agent_replying_is_shown_as_a_collision(client, team):
    thread = buyer_thread(team.account)
    client.force_login(team.owner)
    client.post(url("draft", thread.pk), {"text": "I am on it"})
    client.force_login(team.agent)
    body = client.get(url("thread", thread.pk)).text
    assert f"{team.owner.get_full_name()} is replying to this thread right now." in body
    presence.leave(thread.pk, team.owner.pk)
    response = client.get(url("presence", thread.pk))
    assert "is replying" not in response.text


def test_another_agent_viewing_is_shown(client, team):
    thread = buyer_thread(team.account)
    client.force_login(team.owner)
    client.get(url("thread", thread.pk))
    client.force_login(team.agent)
    response = client.get(url("presence", thread.pk))
    assert f"{team.owner.get_full_name()} has this thread open." in response.text
    presence.leave(thread.pk, team.owner.pk)


def test_presence_is_scoped(client, team):
    thread = buyer_thread(team.account)
    client.force_login(team.outsider)
    assert client.get(url("presence", thread.pk)).status_code == 404


# ---- Templates ------------------------------------------------------------------------------


@pytest.fixture
def templates(team):
    make = ReplyTemplate.objects.create
    return {
        "shipped": make(
            seller_account=team.account, name="Shipped", language="en",
            body="Hello {buyer_name}, order {order_id} ({item_title}) is on its way. {agent_name}",
        ),
        "german": make(
            seller_account=team.account, name="Versand", language="de",
            body="Hallo {buyer_name}, Ihre Bestellung ist unterwegs.",
        ),
        "foreign": make(
            seller_account=team.other_account, name="Shipped", language="en", body="Other seller",
        ),
    }  # fmt: skip


def test_placeholders_fill_or_report_what_is_missing():
    filled = fill(
        "Hi {buyer_name}, {item_title}. {nonsense}", {"buyer_name": "Ana", "item_title": ""}
    )
    assert filled.text == "Hi Ana, {item_title}. {nonsense}"
    assert (filled.missing, filled.unknown) == (["item_title"], ["nonsense"])


def test_picker_lists_the_accounts_templates_thread_language_first(agent, team, templates):
    thread = buyer_thread(team.account, language="de")
    response = agent.get(url("template_picker", thread.pk), HTTP_HX_REQUEST="true")
    assert response.text.index("Versand") < response.text.index("Shipped")
    assert "Other seller" not in response.text
    searched = agent.get(url("template_picker", thread.pk), {"q": "unterwegs"})
    assert "Versand" in searched.text and "Shipped" not in searched.text


def test_insert_template_fills_from_the_order(agent, team, templates):
    team.agent.name = "Petra Agent"
    team.agent.save()
    thread = with_order(buyer_thread(team.account, buyer_name="Ana Lima"))
    response = agent.post(
        url("insert_template", thread.pk, templates["shipped"].pk), {"text": "Dear customer,"}
    )
    expected = (
        f"Dear customer,\n\nHello Ana Lima, order {thread.amazon_order_id} "
        "(Water bottle 1) is on its way. Petra Agent"
    )
    assert expected in response.text
    assert ReplyDraft.objects.get().body == expected


def test_template_the_order_cannot_fill_says_so(agent, team, templates):
    thread = buyer_thread(team.account, buyer_name="Ana Lima")  # no order: no item title
    response = agent.post(url("insert_template", thread.pk, templates["shipped"].pk), {"text": ""})
    assert "needs item_title" in response.text
    assert "{item_title}" not in response.text.split("<textarea")[1]


def test_template_of_another_seller_cannot_be_inserted(agent, team, templates):
    thread = buyer_thread(team.account)
    assert agent.post(url("insert_template", thread.pk, templates["foreign"].pk)).status_code == 404


def test_template_without_javascript_prefills_the_composer(agent, team, templates):
    thread = buyer_thread(team.account, buyer_name="Ana Lima")
    body = agent.get(url("thread", thread.pk), {"template": templates["german"].pk}).text
    assert "Hallo Ana Lima, Ihre Bestellung ist unterwegs.</textarea>" in body


def test_manage_templates(client, team, templates, django_assert_max_num_queries):
    client.force_login(team.owner)
    with django_assert_max_num_queries(10):
        page = client.get(url("reply_templates"))
    assert "Versand" in page.text and "Other seller" not in page.text
    response = client.post(
        url("reply_templates"),
        {"seller_account": team.account.pk, "name": "Refund", "language": "en", "body": "Done."},
    )
    assert response.status_code == 302
    created = ReplyTemplate.objects.get(name="Refund")
    client.post(
        url("reply_template", created.pk),
        {"name": "Refund sent", "language": "en", "body": "Done!"},
    )
    created.refresh_from_db()
    assert (created.name, created.body, created.created_by) == ("Refund sent", "Done!", team.owner)
    client.post(url("reply_template_delete", created.pk))
    assert not ReplyTemplate.objects.filter(pk=created.pk).exists()


def test_duplicate_template_name_is_a_form_error(client, team, templates):
    client.force_login(team.owner)
    response = client.post(
        url("reply_templates"),
        {"seller_account": team.account.pk, "name": "Shipped", "language": "en", "body": "x"},
    )
    assert response.status_code == 400 and "already exists" in response.text


def test_template_pages_are_scoped(client, team, templates):
    ours = templates["german"]
    client.force_login(team.outsider)
    assert client.get(url("reply_template", ours.pk)).status_code == 404
    assert client.post(url("reply_template_delete", ours.pk)).status_code == 404
    client.force_login(team.agent)
    assert client.get(url("reply_templates")).status_code == 403
    assert client.post(url("reply_template", ours.pk), {"name": "x"}).status_code == 403
    assert client.post(url("reply_template_delete", ours.pk)).status_code == 403
    assert ReplyTemplate.objects.filter(pk=ours.pk).exists()


# ---- Sending problems shown to people --------------------------------------------------------


def test_needs_check_offers_the_two_human_choices(agent, team, django_capture_on_commit_callbacks):
    thread = buyer_thread(team.account)
    message = outbound(thread, "needs_check")
    body = agent.get(url("thread", thread.pk)).text
    assert "may or may not have it" in body and "It was sent" in body
    with django_capture_on_commit_callbacks() as callbacks:
        agent.post(url("retry_reply", message.pk), HTTP_HX_REQUEST="true")
    message.refresh_from_db()
    assert message.outgoing_state == OutgoingState.QUEUED and len(callbacks) == 1


def test_confirming_a_needs_check_reply_counts_it_as_sent(agent, team):
    thread = buyer_thread(team.account)
    message = outbound(thread, "needs_check")
    agent.post(url("confirm_sent", message.pk), HTTP_HX_REQUEST="true")
    message.refresh_from_db()
    thread.refresh_from_db()
    assert message.outgoing_state == OutgoingState.SENT and thread.status == "replied"


def test_a_sent_reply_cannot_be_resent(agent, team):
    thread = buyer_thread(team.account)
    message = outbound(thread, "sent")
    response = agent.post(url("retry_reply", message.pk), HTTP_HX_REQUEST="true")
    assert "can be resent" in response.text
    message.refresh_from_db()
    assert message.outgoing_state == OutgoingState.SENT


# ---- Attachments ----------------------------------------------------------------------------


@pytest.fixture
def buyer_attachment(team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    thread = buyer_thread(team.account)
    upload = SimpleUploadedFile(
        "<script>.html", b"<script>alert(1)</script>", content_type="text/html"
    )
    message = thread.messages.get()
    attachment = services.store_attachment(message, upload)
    Attachment.objects.filter(pk=attachment.pk).update(content_type="text/html")
    return attachment


def test_attachment_downloads_as_attachment_with_a_safe_type(agent, buyer_attachment):
    response = agent.get(url("attachment", buyer_attachment.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_attachment_outsider_gets_404(client, team, buyer_attachment):
    client.force_login(team.outsider)
    assert client.get(url("attachment", buyer_attachment.pk)).status_code == 404


def test_attachment_read_only_member_may_download(client, team, buyer_attachment):
    client.force_login(team.read_only)
    assert client.get(url("attachment", buyer_attachment.pk)).status_code == 200


def test_partials_show_times_in_the_agents_time_zone(agent, team):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    team.agent.time_zone = "Asia/Tokyo"
    team.agent.save()
    thread = buyer_thread(team.account)
    before = timezone.now().astimezone(ZoneInfo("Asia/Tokyo"))
    response = agent.post(url("draft", thread.pk), {"text": "Moment"})
    stamps = {(before + timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}
    assert any(f"Draft saved {stamp}" in response.text for stamp in stamps)
