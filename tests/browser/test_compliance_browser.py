"""The compliance check in a real browser: as the agent types, a blocking finding is marked in
the text and disables the send button; fixing the text enables it again; a warning needs the
one confirmation before the reply can go. No Content-Security-Policy violation on the way."""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from messaging import services
from messaging.models import Message
from tests.browser.conftest import ARTIFACTS
from tests.factories import (
    PASSWORD,
    MailboxFactory,
    MembershipFactory,
    MessageFactory,
    OrderFactory,
    OrderItemFactory,
    SellerAccountFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(db):
    account = SellerAccountFactory(name="Sunny Kitchen GmbH")
    agent = UserFactory(name="Petra Schmidt", email="petra@sunny.example")
    MembershipFactory(user=agent, seller_account=account, role=Role.AGENT)
    mailbox = MailboxFactory(seller_account=account, email_address="support@sunny.example")
    at = timezone.now() - timedelta(hours=3)
    thread = ThreadFactory(
        seller_account=account,
        buyer_name="Oliver Smith",
        language="en",
        marketplace_id="A1F83G8C2ARO7P",
        buyer_alias="oliver0x9@marketplace.amazon.co.uk",
        last_activity_at=at,
    )
    order = OrderFactory(
        seller_account=account,
        amazon_order_id=thread.amazon_order_id,
        marketplace_id="A1F83G8C2ARO7P",
        shipped_at=at - timedelta(days=2),
    )
    OrderItemFactory(order=order, title="Insulated steel bottle, 750 ml")
    thread.order = order
    thread.save()
    message = MessageFactory(
        thread=thread, mailbox=mailbox, occurred_at=at, text="My parcel has not arrived yet."
    )
    with transaction.atomic():
        services.record_buyer_message(services.lock(thread), message)
    return {"agent": agent, "thread": thread}


def screenshot(page, name: str) -> None:
    """Like the shared fixture, but Playwright leaves the caret alone: hiding it writes style
    attributes into the page, which htmx then copies onto swapped elements and the
    Content-Security-Policy (rightly) blocks."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), caret="initial")


def test_a_blocking_finding_disables_send_until_the_text_is_fixed(chromium, live_server, shop):
    context = chromium.new_context(viewport={"width": 1440, "height": 1000}, locale="en-GB")
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", shop["agent"].email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/threads/{shop['thread'].pk}/")
    send = page.locator("#send-button")
    findings = page.locator("#compliance-findings")
    expect(send).to_be_enabled()

    # A phone number and a web address: both marked where they are, send disabled.
    page.locator("#reply-text").fill(
        "Hello Oliver,\nthe carrier lost it. Call us on +44 20 7946 0321 or see "
        "sunny-kitchen-shop.co.uk for a new one."
    )
    expect(findings.locator("mark.finding-mark.block")).to_have_count(2)
    expect(findings.locator("mark.finding-mark").first).to_contain_text("+44 20 7946 0321")
    expect(findings).to_contain_text("Telephone number")
    expect(findings).to_contain_text("Sending is blocked")
    expect(send).to_be_disabled()
    screenshot(page, "compliance-blocked")

    # Fixed: nothing found, send enabled again.
    page.locator("#reply-text").fill(
        "Hello Oliver,\nthe carrier lost it. We are sending a new bottle today; you will get "
        "the tracking number through Amazon."
    )
    expect(findings).to_contain_text("no problems found")
    expect(findings.locator("mark")).to_have_count(0)
    expect(send).to_be_enabled()
    screenshot(page, "compliance-fixed")

    # A warning (an emoji in a reply) needs the one confirmation.
    page.locator("#reply-text").fill("Hello Oliver, a new bottle is on its way 😊")
    confirm = page.locator("#confirm-warnings")
    expect(confirm).to_be_visible()
    expect(send).to_be_disabled()
    screenshot(page, "compliance-warning")
    confirm.check()
    expect(send).to_be_enabled()
    send.click()
    conversation = page.locator("#conversation")
    expect(conversation.locator(".message.outbound")).to_contain_text("a new bottle is on its way")
    screenshot(page, "compliance-sent-after-confirming")
    reply = Message.objects.get(thread=shop["thread"], direction="out")
    assert reply.outgoing_state == "queued"
    assert re.search("on its way", reply.text)
    assert violations == []
    context.close()


def test_a_proactive_message_from_the_order_page(chromium, live_server, shop, sandbox):
    from datetime import UTC, datetime

    from accounts.models import OrdersApiVersion
    from orders.models import Order
    from orders.services import hydrate_orders
    from tests.orders.conftest import connect

    account = connect(shop["thread"].seller_account, sandbox, OrdersApiVersion.V2026_01_01)
    now = datetime.now(UTC)
    summary = next(
        o
        for o in sandbox.orders()
        if o["marketplace_id"] == "A1PA6795UKMFR9"
        and o["status"] == "Shipped"
        and o["delivered_at"]
        and 8 < (now - datetime.fromisoformat(o["delivered_at"])).days < 20
    )
    hydrate_orders(account.pk, [summary["order_id"]])
    order = Order.objects.get(amazon_order_id=summary["order_id"])
    context = chromium.new_context(viewport={"width": 1280, "height": 1100}, locale="en-GB")
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", shop["agent"].email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/orders/{order.pk}/panel/")
    page.click("#proactive-link")
    expect(page.locator("#proactive-form")).to_be_visible()
    page.check("input[name=message_type][value=unexpectedProblem]")
    send = page.locator("#proactive-send")
    page.fill(
        "#proactive-text",
        "Leider ist ein Teil Ihrer Bestellung beschädigt. Rufen Sie uns an: +49 30 1234567",
    )
    expect(page.locator("#proactive-findings mark.finding-mark.block")).to_have_count(1)
    expect(send).to_be_disabled()
    expect(page.locator("#proactive-count")).to_contain_text("of 2000 characters")
    screenshot(page, "proactive-blocked")
    page.fill(
        "#proactive-text",
        "Leider ist ein Teil Ihrer Bestellung beschädigt angekommen. Wir schicken Ihnen heute "
        "kostenlos Ersatz.",
    )
    expect(page.locator("#proactive-findings")).to_contain_text("no problems found")
    expect(send).to_be_enabled()
    send.click()
    expect(page.locator(".flash")).to_contain_text("Amazon accepted the message")
    expect(page.locator(".proactive-sent")).to_contain_text("Unexpected problem")
    expect(page.locator("#review-request-button")).to_be_visible()
    screenshot(page, "proactive-sent")
    page.click("#review-request-button")
    expect(page.locator("#review-unavailable")).to_contain_text("already sent for this order")
    screenshot(page, "proactive-review-requested")
    assert [m["type"] for m in sandbox.control("GET", "messages")] == ["unexpectedProblem"]
    assert violations == []
    context.close()
