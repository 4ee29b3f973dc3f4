"""Support staff in a real browser: sign in, filter, open a thread, insert a template, reply,
mark No Response Needed, move with j/k, and see another agent replying on the same thread."""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from messaging import services
from messaging.models import Message, ReplyTemplate, Thread
from tests.factories import (
    PASSWORD,
    MailboxFactory,
    MembershipFactory,
    MessageFactory,
    OrderFactory,
    OrderItemFactory,
    SellerAccountFactory,
    TagFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ALIAS_DOMAIN = {True: "marketplace.amazon.co.uk", False: "marketplace.amazon.de"}
BUYERS = [
    ("Hannah Becker", "de", 21, "Die Flasche ist undicht angekommen. Können Sie Ersatz schicken?"),
    ("Oliver Smith", "en", 26, "My order still hasn't arrived, the tracking stopped on Monday."),
    ("Lukas Wagner", "de", 9, "Kann ich die Lieferadresse noch ändern?"),
    ("Emily Clarke", "en", 3, "Does the 750 ml bottle fit a standard car cup holder?"),
    ("Sophie Müller", "de", 14, "Vielen Dank, alles bestens angekommen!"),
    ("James Wilson", "en", 1, "Could you send me an invoice with my company VAT number?"),
]


@pytest.fixture
def shop(db):
    """A seller with an agent, an owner, buyers waiting, orders and reply templates."""
    account = SellerAccountFactory(name="Sunny Kitchen GmbH")
    agent = UserFactory(
        name="Petra Schmidt", email="petra@sunny.example", time_zone="Europe/Berlin"
    )
    owner = UserFactory(name="Tom Owner", email="tom@sunny.example", time_zone="Europe/Berlin")
    MembershipFactory(user=agent, seller_account=account, role=Role.AGENT)
    MembershipFactory(user=owner, seller_account=account, role=Role.OWNER)
    mailbox = MailboxFactory(seller_account=account, email_address="support@sunny.example")
    damaged = TagFactory(seller_account=account, name="damaged")
    threads = []
    for n, (name, language, hours, text) in enumerate(BUYERS):
        at = timezone.now() - timedelta(hours=hours)
        uk = language == "en"
        thread = ThreadFactory(
            seller_account=account, buyer_name=name, language=language, last_activity_at=at,
            marketplace_id="A1F83G8C2ARO7P" if uk else "A1PA6795UKMFR9",
            buyer_alias=f"{name.split()[0].lower()}{n}x9@{ALIAS_DOMAIN[uk]}",
        )  # fmt: skip
        order = OrderFactory(
            seller_account=account, amazon_order_id=thread.amazon_order_id,
            total_amount="24.90", total_currency="GBP" if uk else "EUR",
            shipped_at=at - timedelta(days=2),
            latest_delivery_date=at + timedelta(days=1),
        )  # fmt: skip
        OrderItemFactory(order=order, title="Insulated steel bottle, 750 ml, sage green")
        thread.order = order
        thread.save()
        message = MessageFactory(thread=thread, mailbox=mailbox, occurred_at=at, text=text)
        with transaction.atomic():
            services.record_buyer_message(services.lock(thread), message)
        threads.append(thread)
    threads[0].tags.add(damaged)
    services.assign(threads[1], owner, agent)
    ReplyTemplate.objects.create(
        seller_account=account, name="Replacement on its way", language="de",
        body="Hallo {buyer_name},\n\nes tut uns leid! Für Bestellung {order_id} schicken wir "
        "heute Ersatz für {item_title}.\n\nViele Grüße\n{agent_name}",
    )  # fmt: skip
    ReplyTemplate.objects.create(
        seller_account=account, name="Tracking update", language="en",
        body="Hello {buyer_name},\n\nyour order {order_id} is on its way.\n\n"
        "Best regards\n{agent_name}",
    )  # fmt: skip
    return {"account": account, "agent": agent, "owner": owner, "threads": threads}


def sign_in(context, live_server, user):
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#inbox")).to_be_visible()
    return page


def new_context(chromium):
    return chromium.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")


def test_agent_works_through_the_inbox(chromium, live_server, shop, screenshot):
    context = new_context(chromium)
    page = sign_in(context, live_server, shop["agent"])
    rows = page.locator("#thread-rows li.row")
    expect(rows).to_have_count(6)
    expect(page).to_have_title(re.compile(r"^\(6\) Inbox"))
    # Sorted by time left: the overdue buyer (26 h ago) first, in red.
    expect(rows.first).to_contain_text("Oliver Smith")
    expect(rows.first.locator(".countdown")).to_have_class(re.compile("overdue"))
    screenshot(page, "inbox-needs-reply")

    # Filter: the overdue view, then a marketplace.
    page.click("nav.views >> text=Overdue")
    expect(rows).to_have_count(1)
    page.click("nav.views >> text=Needs reply")
    page.select_option("#f-marketplace", "A1PA6795UKMFR9")
    expect(rows).to_have_count(3)
    expect(page.locator("#thread-rows")).not_to_contain_text("Oliver Smith")

    # Open a thread: the conversation swaps in and the URL follows.
    page.click("text=Hannah Becker")
    hannah = shop["threads"][0]
    expect(page).to_have_url(re.compile(rf"/threads/{hannah.pk}/\?marketplace=A1PA6795UKMFR9"))
    conversation = page.locator("#conversation")
    expect(conversation).to_contain_text("Die Flasche ist undicht angekommen")
    expect(page.locator("#order-panel")).to_contain_text("Insulated steel bottle")

    # Insert a template: searchable picker, placeholders filled from the order.
    page.click("#template-menu summary")
    page.fill("[data-picker-search]", "Ersatz")
    expect(page.locator("#template-picker li")).to_have_count(1)
    screenshot(page, "composer-template-picker")
    page.click("#template-picker >> text=Replacement on its way")
    text = page.locator("#reply-text")
    expect(text).to_have_value(re.compile(f"Hallo Hannah Becker,.*{hannah.amazon_order_id}", re.S))
    expect(text).to_have_value(re.compile("Petra Schmidt$"))

    # Reply: the reply shows as queued, the thread waits for the worker to send it.
    page.click("#send-button")
    expect(conversation.locator(".message.outbound")).to_contain_text("schicken wir heute Ersatz")
    expect(conversation.locator(".send-state")).to_have_text("Queued")
    screenshot(page, "thread-reply-queued")
    assert Message.objects.get(thread=hannah, direction="out").outgoing_state == "queued"

    # j/k move through the list and the URL follows.
    sophie = shop["threads"][4]  # next by time left in the German marketplace
    page.wait_for_load_state("networkidle")  # the list refresh after the reply has landed
    page.keyboard.press("j")
    expect(page).to_have_url(re.compile(rf"/threads/{sophie.pk}/"))
    page.wait_for_load_state("networkidle")
    page.keyboard.press("k")
    expect(page).to_have_url(re.compile(rf"/threads/{hannah.pk}/"))
    page.wait_for_load_state("networkidle")
    page.keyboard.press("j")
    expect(conversation).to_contain_text("Vielen Dank, alles bestens angekommen!")

    # e marks No Response Needed (a thank-you); the list refreshes without that thread.
    page.keyboard.press("e")
    expect(conversation).to_contain_text("Marked “No Response Needed” by Petra Schmidt")
    expect(page.locator("#thread-rows")).not_to_contain_text("Sophie Müller")
    assert Thread.objects.get(pk=sophie.pk).status == "no_response_needed"

    # / searches, ? lists the shortcuts.
    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    screenshot(page, "shortcuts")
    context.close()


def test_back_button_and_deep_links_follow_the_selected_thread(chromium, live_server, shop):
    context = new_context(chromium)
    page = sign_in(context, live_server, shop["agent"])
    first, second = shop["threads"][1], shop["threads"][5]
    page.click("text=Oliver Smith")
    expect(page).to_have_url(re.compile(rf"/threads/{first.pk}/$"))
    page.wait_for_load_state("networkidle")
    page.click("text=James Wilson")
    expect(page).to_have_url(re.compile(rf"/threads/{second.pk}/$"))
    expect(page.locator("#conversation")).to_contain_text("company VAT number")
    page.wait_for_load_state("networkidle")
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/threads/{first.pk}/$"))
    expect(page.locator("#conversation")).to_contain_text("tracking stopped on Monday")
    deep = context.new_page()  # a deep link opens the whole split page on that thread
    deep.goto(f"{live_server.url}/threads/{second.pk}/")
    expect(deep.locator("#conversation")).to_contain_text("company VAT number")
    expect(deep.locator("#thread-rows li.row.selected")).to_contain_text("James Wilson")
    context.close()


def test_collision_warning_between_two_agents(chromium, live_server, shop, screenshot):
    thread = shop["threads"][1]
    owner_context, agent_context = new_context(chromium), new_context(chromium)
    owner = sign_in(owner_context, live_server, shop["owner"])
    agent = sign_in(agent_context, live_server, shop["agent"])
    owner.goto(f"{live_server.url}/threads/{thread.pk}/")
    agent.goto(f"{live_server.url}/threads/{thread.pk}/")
    expect(agent.locator("#presence")).to_contain_text(
        "Tom Owner has this thread open.", timeout=15000
    )
    owner.fill("#reply-text", "Hello Oliver, I am checking with the carrier")
    expect(owner.locator("#draft-status")).to_contain_text("Draft saved")
    expect(agent.locator("#presence")).to_contain_text(
        "Tom Owner is replying to this thread right now.", timeout=15000
    )
    screenshot(agent, "collision-warning")
    owner_context.close()
    agent_context.close()


def test_new_buyer_message_appears_without_reload(chromium, live_server, shop):
    context = new_context(chromium)
    page = sign_in(context, live_server, shop["agent"])
    expect(page.locator("#thread-rows li.row")).to_have_count(6)
    thread = ThreadFactory(
        seller_account=shop["account"], buyer_name="Nina Late", last_activity_at=timezone.now()
    )
    message = MessageFactory(thread=thread, occurred_at=timezone.now(), text="Hello?")
    with transaction.atomic():
        services.record_buyer_message(services.lock(thread), message)
    expect(page.locator("#thread-rows")).to_contain_text("Nina Late", timeout=25000)
    expect(page).to_have_title(re.compile(r"^\(7\) Inbox"))
    context.close()


def test_basics_work_without_javascript(chromium, live_server, shop):
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", shop["agent"].email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("text=James Wilson")
    page.fill("#reply-text", "Of course, the invoice is attached in Seller Central.")
    page.click("#send-button")
    expect(page.locator(".message.outbound")).to_contain_text("the invoice is attached")
    page.click("#nrn-form button[type=submit]") if page.locator("#nrn-form").count() else None
    context.close()
