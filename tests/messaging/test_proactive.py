"""Proactive messages and review requests from a thread or an order, against the sandbox:
only the types Amazon offers, only critical ones to opted-out buyers, the text checked and the
type's limit enforced, stored in the thread, at most once; Amazon's refusals shown clearly."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import AuditEvent, OrdersApiVersion
from compliance.display import warnings_digest
from compliance.models import ComplianceEvent, Outcome
from messaging import reply_check
from messaging.models import NoticeKind, SystemNotice, Thread
from orders.models import Order, ProactiveMessage, ReviewRequest, SendState
from orders.services import client_for, hydrate_orders
from tests.factories import DE, UK, OrderFactory
from tests.messaging.inbox_data import buyer_thread
from tests.orders.conftest import connect

DELAY = "Wegen eines Lagerfehlers verschickt sich Ihre Bestellung erst am Montag. Es tut uns leid."


@pytest.fixture
def account(team, sandbox):
    return connect(team.account, sandbox, OrdersApiVersion.V2026_01_01)


@pytest.fixture
def agent(client, team):
    client.force_login(team.agent)
    return client


def sandbox_order(sandbox, predicate) -> dict:
    return next(o for o in sandbox.orders() if o["marketplace_id"] in (DE, UK) and predicate(o))


def local(account, summary: dict) -> Order:
    """The sandbox order mirrored through the real client (as the product does)."""
    hydrate_orders(account.pk, [summary["order_id"]])
    return Order.objects.get(seller_account=account, amazon_order_id=summary["order_id"])


def with_thread(account, order: Order, summary: dict) -> Thread:
    thread = buyer_thread(
        account,
        amazon_order_id=order.amazon_order_id,
        buyer_alias=summary["buyer_alias"],
        marketplace_id=order.marketplace_id,
        language="de",
    )
    thread.order = order
    thread.save(update_fields=["order"])
    return thread


def unshipped(sandbox) -> dict:
    return sandbox_order(
        sandbox, lambda o: o["status"] == "Unshipped" and o["marketplace_id"] == DE
    )


def in_review_window(sandbox) -> dict:
    now = datetime.now(UTC)
    return sandbox_order(
        sandbox,
        lambda o: (
            o["status"] == "Shipped"
            and o["delivered_at"]
            and now - timedelta(days=20)
            < datetime.fromisoformat(o["delivered_at"])
            < now - timedelta(days=8)
        ),
    )


def page(order: Order, thread: Thread | None = None) -> str:
    url = reverse("messaging:order_messages", args=[order.pk])
    return f"{url}?thread={thread.pk}" if thread else url


def send(client, order, thread=None, **data):
    payload = {"message_type": "unexpectedProblem", "text": DELAY, "idempotency_key": "a" * 32}
    payload.update(data)
    if thread is not None:
        payload["thread"] = thread.pk
    return client.post(reverse("messaging:proactive_send", args=[order.pk]), payload)


def offered(html: str) -> set[str]:
    return set(re.findall(r'name="message_type" value="(\w+)"', html))


def enabled(html: str) -> set[str]:
    return {
        m.group(1)
        for m in re.finditer(r'name="message_type" value="(\w+)"[^>]*?(disabled)?>', html)
        if not m.group(2)
    }


# --- What may be sent ------------------------------------------------------------------------


def test_the_page_offers_only_what_amazon_offers_for_the_order(
    agent, account, sandbox, django_assert_max_num_queries
):
    summary = unshipped(sandbox)
    order = local(account, summary)
    thread = with_thread(account, order, summary)
    with django_assert_max_num_queries(20):
        html = agent.get(page(order, thread)).text
    types = offered(html)
    assert {"confirmOrderDetails", "unexpectedProblem", "confirmCustomizationDetails"} <= types
    assert "invoice" not in types  # offered only once shipped
    # Types that need a document upload are shown but cannot be sent from here.
    assert "legalDisclosure" in types and "legalDisclosure" not in enabled(html)
    calls = [e["operation"] for e in sandbox.api_calls()]
    assert "getMessagingActionsForOrder" in calls and "getAttributes" in calls
    # Read once a minute at most: a second look costs Amazon nothing.
    before = len(sandbox.api_calls())
    agent.get(page(order, thread))
    assert len(sandbox.api_calls()) == before


def test_a_cancelled_order_offers_only_the_unexpected_problem(agent, account, sandbox):
    order = local(account, sandbox_order(sandbox, lambda o: o["status"] == "Canceled"))
    assert offered(agent.get(page(order)).text) == {"unexpectedProblem"}


def test_a_buyer_who_opted_out_is_offered_only_critical_types(agent, account, sandbox):
    summary = unshipped(sandbox)
    sandbox.opt_out(summary["order_id"])
    order = local(account, summary)
    types = offered(agent.get(page(order)).text)
    assert types and types <= {
        "unexpectedProblem",
        "confirmCustomizationDetails",
        "confirmDeliveryDetails",
        "legalDisclosure",
    }
    assert "confirmOrderDetails" not in types


def test_an_opt_out_amazon_reported_by_mail_allows_only_critical_types(
    agent, team, account, sandbox
):
    summary = unshipped(sandbox)
    order = local(account, summary)
    thread = with_thread(account, order, summary)
    SystemNotice.objects.create(
        seller_account=account,
        kind=NoticeKind.DELIVERY_FAILURE,
        message_id="optout-1@amazon.com",
        amazon_order_id=order.amazon_order_id,
        received_at=timezone.now(),
        reason="the buyer has chosen to opt out of receiving unsolicited messages",
    )
    html = agent.get(page(order, thread)).text
    assert "opted out of unsolicited messages" in html
    assert "confirmOrderDetails" in offered(html) and "confirmOrderDetails" not in enabled(html)
    response = send(agent, order, thread, message_type="confirmOrderDetails")
    assert response.status_code == 400 and "only critical message types" in response.text
    assert sandbox.requests("sendMessage") == []


# --- Sending ---------------------------------------------------------------------------------


def test_a_proactive_message_is_sent_once_and_kept_in_the_thread(
    agent, team, account, sandbox, django_assert_max_num_queries
):
    summary = unshipped(sandbox)
    order = local(account, summary)
    thread = with_thread(account, order, summary)
    agent.get(page(order, thread))
    with django_assert_max_num_queries(45):
        response = send(agent, order, thread)
    assert response.status_code == 302
    (sent,) = sandbox.control("GET", "messages")
    assert (sent["order_id"], sent["type"], sent["text"]) == (
        order.amazon_order_id,
        "unexpectedProblem",
        DELAY,
    )
    message = thread.messages.get(direction="out")
    assert (message.channel, message.outgoing_state, message.text) == ("sp_api", "sent", DELAY)
    assert message.author == team.agent and message.sent_at is not None
    thread.refresh_from_db()
    assert thread.status == "needs_reply"  # it answers nothing in the 24-hour measure
    record = ProactiveMessage.objects.get()
    assert (record.state, record.thread_message_id) == (SendState.SENT, message.pk)
    assert AuditEvent.objects.filter(
        action="order.proactive_message_sent", actor=team.agent
    ).exists()
    assert "Amazon accepted the message" in agent.get(response["Location"]).text


def test_a_double_click_or_a_retry_sends_nothing_twice(agent, account, sandbox):
    summary = unshipped(sandbox)
    order = local(account, summary)
    thread = with_thread(account, order, summary)
    first = send(agent, order, thread)
    again = send(agent, order, thread)  # the same form: the same key
    assert first.status_code == again.status_code == 302
    new_form = send(agent, order, thread, idempotency_key="b" * 32)  # the same text again
    assert new_form.status_code == 400 and "not sent twice" in new_form.text
    assert len(sandbox.control("GET", "messages")) == 1
    assert len(sandbox.requests("sendMessage")) == 1
    assert thread.messages.filter(direction="out").count() == 1


def test_the_text_is_checked_before_amazon_is_called(agent, account, sandbox):
    summary = unshipped(sandbox)
    order = local(account, summary)
    text = "Ihre Bestellung verzögert sich. Rufen Sie uns an: +49 30 1234567"
    response = send(agent, order, text=text)
    assert response.status_code == 400
    assert "CONTACT_PHONE" in response.text and "finding-mark block" in response.text
    assert sandbox.requests("sendMessage") == []
    assert not ProactiveMessage.objects.exists()
    assert ComplianceEvent.objects.filter(
        outcome=Outcome.SEND_REFUSED, rule_id="CONTACT_PHONE", source="proactive"
    ).exists()


def test_warnings_need_a_confirmation(agent, account, sandbox):
    summary = unshipped(sandbox)
    order = local(account, summary)
    text = "Your order is delayed by two days because of a stock error. We are sorry."
    response = send(agent, order, text=text)  # English to a German buyer: a warning
    assert response.status_code == 400 and "LANGUAGE_MISMATCH" in response.text
    findings = reply_check.check_proactive(
        text,
        message_type="unexpectedProblem",
        buyer_opted_out=False,
        days_since_delivery=None,
        review_requests_already_sent=0,
        buyer_language="de",
    )
    confirmed = send(agent, order, text=text, confirm_warnings=warnings_digest(findings))
    assert confirmed.status_code == 302
    assert len(sandbox.control("GET", "messages")) == 1
    assert ComplianceEvent.objects.filter(outcome=Outcome.SENT_WITH_WARNINGS).exists()


def test_the_types_length_limit_is_enforced(agent, account, sandbox):
    summary = unshipped(sandbox)
    order = local(account, summary)
    text = "Bitte bestätigen Sie die Gravur für Ihre Bestellung. " * 16  # over 800 characters
    response = send(agent, order, message_type="confirmCustomizationDetails", text=text)
    assert response.status_code == 400
    assert "at most 800 characters" in response.text
    assert sandbox.requests("sendMessage") == []


def test_a_type_amazon_does_not_offer_is_refused(agent, account, sandbox):
    order = local(account, sandbox_order(sandbox, lambda o: o["status"] == "Canceled"))
    response = send(agent, order, message_type="confirmOrderDetails")
    assert response.status_code == 400 and "does not offer this message type" in response.text
    assert sandbox.requests("sendMessage") == []


def test_amazons_refusal_is_shown_and_nothing_is_recorded_as_sent(agent, account, sandbox):
    summary = unshipped(sandbox)
    order = local(account, summary)
    thread = with_thread(account, order, summary)
    agent.get(page(order, thread))  # Amazon offered confirmOrderDetails a moment ago ...
    sandbox.opt_out(order.amazon_order_id)  # ... and no longer does
    response = send(agent, order, thread, message_type="confirmOrderDetails")
    assert response.status_code == 400
    assert "Invalid amazonOrderId and template combination." in response.text
    assert not thread.messages.filter(direction="out").exists()
    assert ProactiveMessage.objects.get().state == SendState.FAILED
    assert sandbox.control("GET", "messages") == []


def test_an_amazon_failure_is_shown_and_never_retried_blindly(agent, account, sandbox):
    summary = unshipped(sandbox)
    order = local(account, summary)
    thread = with_thread(account, order, summary)
    agent.get(page(order, thread))
    sandbox.fault("sendMessage", status=500)
    response = send(agent, order, thread)
    assert response.status_code == 400
    assert "We encountered an internal error" in response.text
    assert "may have reached the buyer" in response.text
    assert len(sandbox.requests("sendMessage")) == 1  # a 5xx after delivery is possible
    assert not thread.messages.filter(direction="out").exists()
    assert ProactiveMessage.objects.get().state == SendState.UNCERTAIN
    again = send(agent, order, thread, idempotency_key="c" * 32)
    assert "not sent twice" in again.text and len(sandbox.requests("sendMessage")) == 1


def test_from_an_order_nobody_wrote_about_a_closed_thread_keeps_the_message(
    agent, account, sandbox
):
    order = local(account, unshipped(sandbox))
    assert send(agent, order).status_code == 302
    thread = Thread.objects.get(amazon_order_id=order.amazon_order_id)
    assert thread.status == "closed" and thread.order == order and thread.buyer_alias == ""
    assert thread.messages.get().channel == "sp_api"
    html = agent.get(reverse("messaging:thread", args=[thread.pk])).text
    assert "This buyer has not written to you" in html


# --- Review requests -------------------------------------------------------------------------


def test_review_request_once_inside_the_window(agent, team, account, sandbox):
    summary = in_review_window(sandbox)
    order = local(account, summary)
    thread = with_thread(account, order, summary)
    html = agent.get(page(order, thread)).text
    assert 'id="review-request-button"' in html
    url = reverse("messaging:review_request", args=[order.pk])
    response = agent.post(url, {"thread": thread.pk})
    assert response.status_code == 302
    assert "Amazon will ask the buyer for a review" in agent.get(response["Location"]).text
    assert [c["status"] for c in sandbox.requests(
        "createProductReviewAndSellerFeedbackSolicitation"
    )] == [201]  # fmt: skip
    assert ReviewRequest.objects.get(order=order).state == SendState.SENT
    html = agent.get(page(order, thread)).text
    assert "A review request was already sent for this order on" in html
    assert 'id="review-request-button"' not in html
    agent.post(url, {"thread": thread.pk})  # a second try never reaches Amazon
    assert len(sandbox.requests("createProductReviewAndSellerFeedbackSolicitation")) == 1
    # The compliance context knows: asking for a review in a reply is now a repeat.
    findings = reply_check.check_reply(
        thread, "Thanks! Would you leave a review of the bottle, please?", []
    )
    assert "REVIEW_REPEAT" in [f.rule_id for f in findings]
    assert AuditEvent.objects.filter(action="order.review_requested", actor=team.agent).exists()


def test_outside_the_window_the_page_says_when_it_was_open(agent, account, sandbox):
    now = datetime.now(UTC)
    summary = sandbox_order(
        sandbox,
        lambda o: (
            o["status"] == "Shipped"
            and datetime.fromisoformat(o["purchased_at"]) < now - timedelta(days=80)
        ),
    )
    order = local(account, summary)
    html = agent.get(page(order)).text
    assert "that window has closed" in html
    opens = order.earliest_delivery_date + timedelta(days=5)
    closes = order.latest_delivery_date + timedelta(days=30)
    assert (
        f"from {date_format(opens, 'DATE_FORMAT')} to {date_format(closes, 'DATE_FORMAT')}" in html
    )
    response = agent.post(reverse("messaging:review_request", args=[order.pk]))
    assert "that window has closed" in agent.get(response["Location"]).text
    assert sandbox.requests("createProductReviewAndSellerFeedbackSolicitation") == []
    assert sandbox.requests("getSolicitationActionsForOrder") == []


def test_when_amazon_does_not_offer_it_the_page_says_so(agent, account, sandbox):
    summary = in_review_window(sandbox)
    order = local(account, summary)
    # Requested elsewhere (Seller Central's button): Amazon stops offering it.
    client_for(account).request_review(order.amazon_order_id, order.marketplace_id)
    html = agent.get(page(order)).text
    assert "Amazon does not offer a review request for this order now" in html


# --- Access ----------------------------------------------------------------------------------


def test_outsider_gets_404_and_read_only_403(client, team, account, sandbox):
    order = local(account, unshipped(sandbox))
    client.force_login(team.outsider)
    assert client.get(page(order)).status_code == 404
    assert send(client, order).status_code == 404
    client.force_login(team.read_only)
    html = client.get(page(order)).text
    assert "not write to buyers" in html
    assert send(client, order).status_code == 403
    review = client.post(reverse("messaging:review_request", args=[order.pk]))
    assert review.status_code == 403
    assert sandbox.requests("sendMessage") == []


def test_an_unconnected_account_says_so_without_calling_amazon(agent, team, sandbox):
    order = OrderFactory(seller_account=team.account)
    html = agent.get(page(order)).text
    assert "not connected to Amazon" in html
    assert sandbox.api_calls() == []
