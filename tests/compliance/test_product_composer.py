"""The compliance check in the composer: as the agent types, and again on send whatever the
browser did (a crafted request without JavaScript is refused and nothing is queued)."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.display import warnings_digest
from compliance.models import ComplianceEvent, Outcome
from messaging import reply_check
from messaging.models import Message, ReplyDraft
from orders.models import ReviewRequest, SendState
from tests.messaging.inbox_data import buyer_thread, with_order

HTMX = {"HTTP_HX_REQUEST": "true"}
PHONE = "Call us on +49 30 1234567, we will sort it out."
EMOJI = "Thanks for your patience, the parcel left today 😊"


def url(name: str, *args) -> str:
    return reverse(f"messaging:{name}", args=args)


@pytest.fixture
def agent(client, team):
    client.force_login(team.agent)
    return client


@pytest.fixture
def thread(team):
    return with_order(buyer_thread(team.account, text="Where is my parcel? Call me: 0171 9876543"))


def findings_of(html: str) -> list[str]:
    return re.findall(r'<code class="rule-id">([A-Z_]+)</code>', html)


def test_live_check_marks_each_finding_where_it_is(agent, thread, django_assert_max_num_queries):
    text = "Hello,\nsee shop-example.de or call +49 30 1234567."
    with django_assert_max_num_queries(12):
        response = agent.post(url("check_reply", thread.pk), {"text": text}, **HTMX)
    html = response.text
    assert response.status_code == 200
    assert set(findings_of(html)) == {"LINK_EXTERNAL", "CONTACT_PHONE"}
    assert 'data-blocking="true"' in html
    marks = re.findall(r'<mark class="finding-mark block"[^>]*>(.*?)</mark>', html, re.S)
    assert [re.sub(r"<sup[^>]*>\d+</sup>", "", m) for m in marks] == [
        "shop-example.de",
        "+49 30 1234567",
    ]
    assert "line 2, column 5" in html  # where the link starts
    assert "Blocks sending" in html and "Fix:" in html


def test_live_check_of_clean_text_says_so(agent, thread):
    response = agent.post(
        url("check_reply", thread.pk), {"text": "It left our warehouse today."}, **HTMX
    )
    assert 'data-blocking="false"' in response.text
    assert "no problems found" in response.text


def test_live_check_explains_in_the_agents_language(agent, thread):
    response = agent.post(
        url("check_reply", thread.pk), {"text": PHONE}, HTTP_ACCEPT_LANGUAGE="es", **HTMX
    )
    assert "Número de teléfono" in response.text


def test_hostile_text_is_shown_escaped_in_the_mirror(agent, thread):
    text = '<script>alert(1)</script> call +49 30 1234567 <img src=x onerror="x()">'
    html = agent.post(url("check_reply", thread.pk), {"text": text}, **HTMX).text
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_composer_stops_are_remembered_once_a_day_with_the_latest_words(agent, team, thread):
    agent.post(url("check_reply", thread.pk), {"text": "Call +49 30 1234"}, **HTMX)
    agent.post(url("check_reply", thread.pk), {"text": "Call +49 30 1234567"}, **HTMX)
    agent.post(url("check_reply", thread.pk), {"text": "We will sort it out."}, **HTMX)
    (event,) = ComplianceEvent.objects.all()
    assert (event.outcome, event.rule_id, event.agent, event.source_id) == (
        Outcome.COMPOSER_BLOCKED,
        "CONTACT_PHONE",
        team.agent,
        thread.pk,
    )
    assert event.excerpt == "+49 30 1234567"


def test_crafted_request_with_a_blocking_finding_is_refused_and_nothing_queued(
    agent, team, thread, django_capture_on_commit_callbacks
):
    # No live check ran: a plain form post, as a script or a browser without JavaScript sends.
    with django_capture_on_commit_callbacks() as callbacks:
        response = agent.post(url("reply", thread.pk), {"text": PHONE, "confirm_warnings": "x"})
    assert response.status_code == 200
    assert "block sending" in response.text
    assert "CONTACT_PHONE" in findings_of(response.text)
    assert not Message.objects.filter(direction="out").exists()
    assert callbacks == []
    (event,) = ComplianceEvent.objects.all()
    assert (event.outcome, event.rule_id, event.severity) == (
        Outcome.SEND_REFUSED,
        "CONTACT_PHONE",
        "block",
    )


def test_unconfirmed_warning_is_refused_and_offers_the_confirmation(agent, thread):
    response = agent.post(url("reply", thread.pk), {"text": EMOJI}, **HTMX)
    assert "Confirm that you have read the warnings" in response.text
    assert "EMOJI" in findings_of(response.text)
    digest = warnings_digest(reply_check.check_reply(thread, EMOJI, []))
    assert f'name="confirm_warnings" id="confirm-warnings" value="{digest}"' in response.text
    assert not Message.objects.filter(direction="out").exists()


def test_confirmed_warnings_are_sent_and_remembered(agent, team, thread):
    digest = warnings_digest(reply_check.check_reply(thread, EMOJI, []))
    response = agent.post(
        url("reply", thread.pk), {"text": EMOJI, "confirm_warnings": digest}, **HTMX
    )
    assert response.status_code == 200
    reply = Message.objects.get(direction="out")
    assert reply.outgoing_state == "queued" and reply.text == EMOJI
    (event,) = ComplianceEvent.objects.all()
    assert (event.outcome, event.rule_id, event.agent) == (
        Outcome.SENT_WITH_WARNINGS,
        "EMOJI",
        team.agent,
    )


def test_a_confirmation_counts_only_for_the_warnings_it_was_given_for(agent, thread):
    other = warnings_digest(reply_check.check_reply(thread, "Great news 🎉", []))
    agent.post(url("reply", thread.pk), {"text": EMOJI, "confirm_warnings": other}, **HTMX)
    assert not Message.objects.filter(direction="out").exists()


def test_blocking_findings_refuse_even_with_a_confirmation(agent, thread):
    text = PHONE + " 😊"
    digest = warnings_digest(reply_check.check_reply(thread, text, []))
    agent.post(url("reply", thread.pk), {"text": text, "confirm_warnings": digest}, **HTMX)
    assert not Message.objects.filter(direction="out").exists()


def test_quoted_buyer_words_are_not_checked_but_the_agents_own_are(team, thread):
    quoted = "Hello, we are on it.\n\n> Where is my parcel? Call me: 0171 9876543"
    assert reply_check.check_reply(thread, quoted, []) == []
    own = "Hello, we are on it.\n\n> Or call us: 030 1234567"
    (finding,) = reply_check.check_reply(thread, own, [])
    assert finding.rule_id == "CONTACT_PHONE"
    assert own[finding.start : finding.end] == "030 1234567"  # spans index the agent's text


def test_attachments_the_browser_describes_are_checked(agent, thread):
    meta = json.dumps([{"name": "funny.gif", "size": 2048, "type": "image/gif"}])
    response = agent.post(
        url("check_reply", thread.pk),
        {"text": "Here is the picture.", "attachment_meta": meta},
        **HTMX,
    )
    assert findings_of(response.text) == ["IMAGE_GIF"]
    assert "in the attachments" in response.text


def test_order_context_reaches_the_check(team, thread):
    order = thread.order
    order.delivered_at = timezone.now() - timedelta(days=12)
    order.save()
    ReviewRequest.objects.create(
        seller_account=team.account, order=order, state=SendState.SENT, sent_at=timezone.now()
    )
    text = "Glad it arrived. Please leave a review of the bottle if you have a moment."
    assert "REVIEW_REPEAT" in [f.rule_id for f in reply_check.check_reply(thread, text, [])]


def test_a_saved_draft_opens_with_its_findings(agent, team, thread):
    ReplyDraft.objects.create(thread=thread, user=team.agent, body=PHONE)
    html = agent.get(url("thread", thread.pk)).text
    assert 'data-blocking="true"' in html and "CONTACT_PHONE" in findings_of(html)


def test_outsider_gets_404_and_read_only_403(client, team, thread):
    client.force_login(team.outsider)
    assert client.post(url("check_reply", thread.pk), {"text": PHONE}).status_code == 404
    client.force_login(team.read_only)
    assert client.post(url("check_reply", thread.pk), {"text": PHONE}).status_code == 403
