"""The split inbox: the list, its filters and search, one thread beside it, live updates."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from messaging import services
from messaging.models import ThreadStatus
from tests.factories import MembershipFactory, TagFactory

from .inbox_data import buyer_thread, outbound, with_order

HOME = reverse("home")


def thread_url(thread) -> str:
    return reverse("messaging:thread", args=[thread.pk])


@pytest.fixture
def signed_in(client, team):
    client.force_login(team.agent)
    return client


def test_home_is_the_inbox_and_needs_sign_in(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_needs_reply_is_sorted_by_time_left(signed_in, team):
    later = buyer_thread(team.account, hours_ago=1, buyer_name="Later Buyer")
    sooner = buyer_thread(team.account, hours_ago=20, buyer_name="Sooner Buyer")
    body = signed_in.get(HOME).content.decode()
    assert body.index("Sooner Buyer") < body.index("Later Buyer")
    assert later.response_deadline > sooner.response_deadline


def test_rows_show_countdown_colours(signed_in, team):
    buyer_thread(team.account, hours_ago=20, buyer_name="Amber Buyer")
    buyer_thread(team.account, hours_ago=30, buyer_name="Red Buyer")
    buyer_thread(team.account, hours_ago=1, buyer_name="Green Buyer")
    body = signed_in.get(HOME).content.decode()
    assert 'class="countdown due-soon"' in body
    assert 'class="countdown overdue"' in body
    assert 'class="countdown on-time"' in body
    assert "overdue 6h" in body


def test_tab_title_shows_needs_reply_count(signed_in, team):
    for _ in range(3):
        buyer_thread(team.account)
    assert "<title>(3) Inbox" in signed_in.get(HOME).content.decode()


def test_rows_show_order_marketplace_tags_assignee_and_unread(signed_in, team):
    thread = buyer_thread(team.account, buyer_name="Jana Novak")
    thread.tags.add(TagFactory(seller_account=team.account, name="damaged"))
    services.assign(thread, team.owner, team.agent)
    body = signed_in.get(HOME).content.decode()
    assert thread.amazon_order_id in body
    assert '<span class="mp" title="Germany">DE</span>' in body
    assert '<span class="tag">damaged</span>' in body
    assert 'class="avatar"' in body
    assert 'class="row unread' in body


def test_opening_a_thread_marks_it_read(signed_in, team):
    thread = buyer_thread(team.account)
    signed_in.get(thread_url(thread))
    body = signed_in.get(HOME).content.decode()
    assert 'class="row unread' not in body
    assert signed_in.get(HOME, {"view": "unread"}).content.decode().count('<li class="row') == 0


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("needs_reply", {"waiting", "late"}),
        ("overdue", {"late"}),
        ("no_response_needed", {"thanks"}),
        ("replied", {"answered"}),
        ("closed", {"closed"}),
        ("all", {"waiting", "late", "thanks", "answered", "closed"}),
    ],
)
def test_views_filter_by_status(signed_in, team, view, expected):
    names = {}
    names["waiting"] = buyer_thread(team.account, hours_ago=1, buyer_name="waiting")
    names["late"] = buyer_thread(team.account, hours_ago=30, buyer_name="late")
    names["thanks"] = buyer_thread(team.account, buyer_name="thanks")
    services.mark_no_response_needed(names["thanks"], team.agent, "Just a thank-you")
    names["answered"] = buyer_thread(team.account, buyer_name="answered")
    reply = outbound(names["answered"], "sending")
    services.record_reply_sent(reply)
    names["closed"] = buyer_thread(team.account, buyer_name="closed")
    services.close_thread(names["closed"], team.agent)
    body = signed_in.get(HOME, {"view": view}).content.decode()
    shown = {name for name in names if f'<span class="buyer">{name}</span>' in body}
    assert shown == expected


def test_filters_by_marketplace_tag_assignee_language_and_account(signed_in, team):
    de = buyer_thread(team.account, buyer_name="German buyer", language="de")
    uk = buyer_thread(
        team.account, buyer_name="British buyer", marketplace_id="A1F83G8C2ARO7P", language="en"
    )
    tag = TagFactory(seller_account=team.account, name="refund")
    uk.tags.add(tag)
    services.assign(de, team.owner, team.agent)

    def shown(**params):
        body = signed_in.get(HOME, params).content.decode()
        return {n for n in ("German buyer", "British buyer") if n in body}

    assert shown(marketplace="A1F83G8C2ARO7P") == {"British buyer"}
    assert shown(tag=tag.pk) == {"British buyer"}
    assert shown(assignee="mine") == {"German buyer"}
    assert shown(assignee="unassigned") == {"British buyer"}
    assert shown(assignee=str(team.agent.pk)) == {"German buyer"}
    assert shown(language="de") == {"German buyer"}
    assert shown(account=team.account.pk) == {"German buyer", "British buyer"}
    assert shown(account=team.other_account.pk) == set()


def test_search_by_exact_order_id(signed_in, team):
    wanted = buyer_thread(team.account, buyer_name="Wanted")
    buyer_thread(team.account, buyer_name="Other")
    body = signed_in.get(HOME, {"q": wanted.amazon_order_id}).content.decode()
    assert "Wanted" in body and ">Other<" not in body


def test_search_by_buyer_alias_and_name_prefix(signed_in, team):
    buyer_thread(
        team.account, buyer_name="Jane Smithson", buyer_alias="q8x7w1@marketplace.amazon.de"
    )
    buyer_thread(team.account, buyer_name="Karl Other")
    assert (
        "Jane Smithson"
        in signed_in.get(HOME, {"q": "Q8X7W1@marketplace.amazon.de"}).content.decode()
    )
    body = signed_in.get(HOME, {"q": "smith"}).content.decode()
    assert "Jane Smithson" in body and "Karl Other" not in body


def test_full_text_search_uses_the_message_language(signed_in, team):
    buyer_thread(
        team.account,
        buyer_name="Stemmed German",
        language="de",
        text="Die Flaschen sind beschädigt angekommen.",
    )
    from messaging.models import Message

    Message.objects.filter(thread__buyer_name="Stemmed German").update(language="de")
    buyer_thread(team.account, buyer_name="Unrelated", text="Wann kommt das Paket?")
    # "Flasche" finds "Flaschen" only through the German stemmer.
    body = signed_in.get(HOME, {"q": "Flasche", "language": "de"}).content.decode()
    assert "Stemmed German" in body and "Unrelated" not in body


def test_search_covers_all_views_unless_one_is_chosen(signed_in, team):
    closed = buyer_thread(team.account, buyer_name="Closed buyer", text="parcel broken")
    services.close_thread(closed, team.agent)
    assert "Closed buyer" in signed_in.get(HOME, {"q": "broken"}).content.decode()
    body = signed_in.get(HOME, {"q": "broken", "view": "needs_reply"}).content.decode()
    assert "Closed buyer" not in body


def test_keyset_pages_cover_every_thread_once(signed_in, team):
    threads = [buyer_thread(team.account, hours_ago=1 + n / 10) for n in range(53)]
    first = signed_in.get(HOME).context
    assert len(first["page"].threads) == 50
    cursor = first["page"].next_cursor
    second = signed_in.get(
        HOME, {"after": cursor}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="load-more"
    )
    more = [int(i) for i in re.findall(r'<li class="row[^"]*" data-thread-id="(\d+)"', second.text)]
    ids = [t.pk for t in first["page"].threads] + more
    assert sorted(ids) == sorted(t.pk for t in threads)
    assert 'id="load-more"' not in second.text
    assert "<html" not in second.text


def test_inbox_query_count_is_bounded(signed_in, team, django_assert_max_num_queries):
    for n in range(60):
        thread = buyer_thread(team.account, hours_ago=n / 3)
        thread.tags.add(TagFactory(seller_account=team.account))
        services.assign(thread, team.owner, team.agent if n % 2 else team.owner)
    with django_assert_max_num_queries(14):
        response = signed_in.get(HOME)
    assert response.content.decode().count('<li class="row') == 50


def test_outsider_sees_none_of_the_threads(client, team):
    buyer_thread(team.account, buyer_name="Private Buyer")
    client.force_login(team.outsider)
    body = client.get(HOME).content.decode()
    assert "Private Buyer" not in body
    assert "<title>Inbox" in body


def test_marketplace_restricted_member_sees_only_their_marketplace(client, team):
    member = MembershipFactory(seller_account=team.account, role=Role.AGENT)
    member.marketplaces.set(["A1F83G8C2ARO7P"])
    buyer_thread(team.account, buyer_name="German buyer")
    buyer_thread(team.account, buyer_name="British buyer", marketplace_id="A1F83G8C2ARO7P")
    client.force_login(member.user)
    body = client.get(HOME).content.decode()
    assert "British buyer" in body and "German buyer" not in body


# ---- One thread ----------------------------------------------------------------------------


def test_thread_page_shows_conversation_order_and_composer(signed_in, team):
    thread = with_order(buyer_thread(team.account, text="The lid is cracked."))
    outbound(thread, "rejected", rejection_reason="Contains an external link")
    body = signed_in.get(thread_url(thread)).content.decode()
    assert "The lid is cracked." in body
    assert 'id="order-panel"' in body and "Water bottle 2" in body and "42.50 EUR" in body
    assert 'id="composer"' in body and 'id="compliance-findings"' in body
    assert "Amazon rejected this reply" in body and "Contains an external link" in body
    assert 'id="thread-list"' in body  # the whole split page for a deep link


def test_thread_times_are_in_the_agents_time_zone(signed_in, team):
    team.agent.time_zone = "Asia/Tokyo"
    team.agent.save()
    thread = buyer_thread(team.account)
    message = thread.messages.get()
    local = timezone.localtime(
        message.occurred_at, timezone=__import__("zoneinfo").ZoneInfo("Asia/Tokyo")
    )
    body = signed_in.get(thread_url(thread)).content.decode()
    assert local.strftime("%H:%M") in body


def test_htmx_gets_only_the_conversation(signed_in, team):
    thread = buyer_thread(team.account)
    response = signed_in.get(
        thread_url(thread), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="conversation"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<article id="conversation"')
    assert 'id="thread-list"' not in body
    assert "HX-Request" in response["Vary"]


def test_buyer_html_is_sanitised_again_when_shown(signed_in, team):
    thread = buyer_thread(team.account)
    thread.messages.update(
        text="", html='<p onclick="x()">Hi<script>alert(1)</script><img src="http://t/p.gif"></p>'
    )
    body = signed_in.get(thread_url(thread)).content.decode()
    assert "<p>Hi</p>" in body
    assert "alert(1)" not in body and "onclick" not in body and "t/p.gif" not in body


def test_thread_query_count_is_bounded(signed_in, team, django_assert_max_num_queries):
    thread = with_order(buyer_thread(team.account), items=5)
    for n in range(30):
        outbound(thread, "sent", message_id=f"m{n}@seller.example", sent_at=timezone.now())
    for n in range(40):
        buyer_thread(team.account, hours_ago=n / 2)
    with django_assert_max_num_queries(30):
        response = signed_in.get(thread_url(thread))
    assert response.status_code == 200
    with django_assert_max_num_queries(18):
        signed_in.get(thread_url(thread), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="conversation")


def test_outsider_gets_404_for_a_thread(client, team):
    thread = buyer_thread(team.account)
    client.force_login(team.outsider)
    assert client.get(thread_url(thread)).status_code == 404


def test_read_only_member_sees_thread_without_composer(client, team):
    thread = buyer_thread(team.account)
    client.force_login(team.read_only)
    body = client.get(thread_url(thread)).content.decode()
    assert "can read this seller account" in body
    assert 'id="reply-form"' not in body and 'id="nrn-form"' not in body


# ---- Live updates --------------------------------------------------------------------------


def test_updates_report_new_buyer_messages_and_the_count(signed_in, team):
    first = buyer_thread(team.account)
    since = first.messages.get().pk
    newer = buyer_thread(team.account, buyer_name="New Buyer", text="Is it in stock?")
    body = signed_in.get(reverse("messaging:inbox_updates"), {"since": since}).content.decode()
    assert 'data-needs-reply="2"' in body
    assert f'data-latest-id="{newer.messages.get().pk}"' in body
    assert 'data-buyer="New Buyer"' in body and "Is it in stock?" in body


def test_updates_never_announce_our_own_replies(signed_in, team):
    thread = buyer_thread(team.account)
    since = thread.messages.get().pk
    outbound(thread, "queued")
    body = signed_in.get(reverse("messaging:inbox_updates"), {"since": since}).content.decode()
    assert "new-message" not in body
    assert f'data-latest-id="{since}"' in body


def test_updates_of_an_outsider_show_nothing_of_ours(client, team):
    buyer_thread(team.account, buyer_name="Private Buyer")
    client.force_login(team.outsider)
    body = client.get(reverse("messaging:inbox_updates"), {"since": 0}).content.decode()
    assert 'data-needs-reply="0"' in body and "Private Buyer" not in body


def test_updates_query_count_is_bounded(signed_in, team, django_assert_max_num_queries):
    for _ in range(20):
        buyer_thread(team.account)
    with django_assert_max_num_queries(7):
        signed_in.get(reverse("messaging:inbox_updates"), {"since": 1})


def test_status_page_keeps_the_accounts_overview(signed_in, team):
    assert b"Sunny Kitchen GmbH" in signed_in.get(reverse("status")).content


def test_status_enum_is_unchanged():
    assert ThreadStatus.NEEDS_REPLY == "needs_reply"
    assert timedelta(hours=24)
