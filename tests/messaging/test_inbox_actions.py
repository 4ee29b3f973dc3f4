"""Actions on threads from the inbox, one by one and in bulk, through messaging.services."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from messaging import services
from messaging.models import Tag, ThreadStatus

from .inbox_data import buyer_thread, outbound


def url(name: str, *args) -> str:
    return reverse(f"messaging:{name}", args=args)


@pytest.fixture
def agent(client, team):
    client.force_login(team.agent)
    return client


HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "conversation"}


def test_mark_no_response_needed_with_reason(agent, team, django_assert_max_num_queries):
    thread = buyer_thread(team.account)
    with django_assert_max_num_queries(40):
        response = agent.post(
            url("no_response_needed", thread.pk), {"reason": "Thanks only"}, **HTMX
        )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "inbox:changed"
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.NO_RESPONSE_NEEDED
    assert (thread.no_response_reason, thread.status_changed_by) == ("Thanks only", team.agent)
    assert "Marked “No Response Needed” by" in response.text and "Thanks only" in response.text


def test_undo_no_response_needed(agent, team):
    thread = buyer_thread(team.account)
    services.mark_no_response_needed(thread, team.agent)
    agent.post(url("undo_no_response_needed", thread.pk), **HTMX)
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.NEEDS_REPLY and thread.response_deadline is not None


def test_no_response_needed_twice_shows_why_not(agent, team):
    thread = buyer_thread(team.account)
    services.mark_no_response_needed(thread, team.agent)
    response = agent.post(url("no_response_needed", thread.pk), **HTMX)
    assert "already marked" in response.text


def test_plain_form_post_redirects_back_with_the_filters(agent, team):
    thread = buyer_thread(team.account)
    response = agent.post(
        url("close", thread.pk), {"filters": "view=all&q=x&next=https://evil.example"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url('thread', thread.pk)}?view=all&q=x"


def test_close_and_reopen(agent, team, django_assert_max_num_queries):
    thread = buyer_thread(team.account)
    with django_assert_max_num_queries(40):
        agent.post(url("close", thread.pk), **HTMX)
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.CLOSED
    agent.post(url("reopen", thread.pk), **HTMX)
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.NEEDS_REPLY


def test_assign_and_unassign(agent, team, django_assert_max_num_queries):
    thread = buyer_thread(team.account)
    with django_assert_max_num_queries(40):
        agent.post(url("assign", thread.pk), {"assignee": team.owner.pk}, **HTMX)
    thread.refresh_from_db()
    assert thread.assignee == team.owner
    agent.post(url("assign", thread.pk), {"assignee": ""}, **HTMX)
    thread.refresh_from_db()
    assert thread.assignee is None


def test_cannot_assign_to_someone_who_may_not_reply(agent, team):
    thread = buyer_thread(team.account)
    response = agent.post(url("assign", thread.pk), {"assignee": team.read_only.pk}, **HTMX)
    assert "cannot answer" in response.text
    thread.refresh_from_db()
    assert thread.assignee is None


def test_tag_creates_the_tag_inline_case_insensitively(agent, team, django_assert_max_num_queries):
    thread = buyer_thread(team.account)
    with django_assert_max_num_queries(40):
        agent.post(url("add_tag", thread.pk), {"name": "  Return  label "}, **HTMX)
    agent.post(url("add_tag", thread.pk), {"name": "return LABEL"}, **HTMX)
    assert [t.name for t in thread.tags.all()] == ["Return label"]
    assert Tag.objects.filter(seller_account=team.account).count() == 1
    assert AuditEvent.objects.filter(action="thread.tagged").count() == 2


def test_untag(agent, team):
    thread = buyer_thread(team.account)
    tag = services.find_or_create_tag(team.account.pk, "vip", team.agent)
    services.tag_thread(thread, team.agent, tag)
    agent.post(url("remove_tag", thread.pk, tag.pk), **HTMX)
    assert not thread.tags.exists()


def test_cannot_untag_with_another_accounts_tag(agent, team):
    thread = buyer_thread(team.account)
    foreign = Tag.objects.create(seller_account=team.other_account, name="x")
    assert agent.post(url("remove_tag", thread.pk, foreign.pk), **HTMX).status_code == 404


# ---- Bulk ---------------------------------------------------------------------------------


def bulk(client, threads, **data):
    return client.post(
        url("bulk"),
        {"threads": [t.pk for t in threads], **data},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="thread-list",
    )


def test_bulk_no_response_needed_skips_and_reports(agent, team, django_assert_max_num_queries):
    threads = [buyer_thread(team.account) for _ in range(5)]
    services.mark_no_response_needed(threads[0], team.agent)
    with django_assert_max_num_queries(80):
        response = bulk(agent, threads, action="no_response_needed", reason="spam")
    assert "4 threads changed." in response.text and "Skipped" in response.text
    assert all(t.status == ThreadStatus.NO_RESPONSE_NEEDED for t in type(threads[0]).objects.all())


def test_bulk_tag_assign_and_close(agent, team):
    threads = [buyer_thread(team.account) for _ in range(3)]
    bulk(agent, threads, action="tag", tag="Damaged")
    bulk(agent, threads, action="assign", assignee=str(team.agent.pk))
    bulk(agent, threads, action="close")
    for thread in threads:
        thread.refresh_from_db()
        assert [t.name for t in thread.tags.all()] == ["Damaged"]
        assert thread.assignee == team.agent and thread.status == ThreadStatus.CLOSED
    bulk(agent, threads, action="assign", assignee="unassigned")
    assert not type(threads[0]).objects.filter(assignee__isnull=False).exists()


def test_bulk_tag_needs_a_name(agent, team):
    thread = buyer_thread(team.account)
    response = bulk(agent, [thread], action="tag", tag="")
    assert "Name the tag" in response.text


def test_bulk_ignores_threads_outside_the_scope(client, team):
    ours = buyer_thread(team.account)
    client.force_login(team.outsider)
    response = bulk(client, [ours], action="close")
    assert response.status_code == 404
    ours.refresh_from_db()
    assert ours.status == ThreadStatus.NEEDS_REPLY


def test_bulk_by_read_only_member_is_403(client, team):
    thread = buyer_thread(team.account)
    client.force_login(team.read_only)
    assert bulk(client, [thread], action="close").status_code == 403
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.NEEDS_REPLY


def test_bulk_without_javascript_redirects_to_the_list(agent, team):
    thread = buyer_thread(team.account)
    response = agent.post(
        url("bulk"), {"threads": [thread.pk], "action": "close", "filters": "view=all"}
    )
    assert response.status_code == 302 and response["Location"] == "/?view=all"


# ---- Who may do what ----------------------------------------------------------------------

WRITE_ENDPOINTS = [
    ("no_response_needed", {}),
    ("undo_no_response_needed", {}),
    ("close", {}),
    ("reopen", {}),
    ("assign", {"assignee": ""}),
    ("add_tag", {"name": "x"}),
    ("reply", {"text": "Hello"}),
    ("draft", {"text": "Hello"}),
]


@pytest.mark.parametrize(("name", "data"), WRITE_ENDPOINTS)
def test_outsider_gets_404_on_write_endpoints(client, team, name, data):
    thread = buyer_thread(team.account)
    client.force_login(team.outsider)
    assert client.post(url(name, thread.pk), data).status_code == 404


@pytest.mark.parametrize(("name", "data"), WRITE_ENDPOINTS)
def test_read_only_member_gets_403_on_write_endpoints(client, team, name, data):
    thread = buyer_thread(team.account)
    client.force_login(team.read_only)
    assert client.post(url(name, thread.pk), data).status_code == 403
    thread.refresh_from_db()
    assert (
        thread.status == ThreadStatus.NEEDS_REPLY
        and not thread.messages.filter(direction="out").exists()
    )


@pytest.mark.parametrize("name", ["retry_reply", "confirm_sent"])
def test_message_actions_are_scoped(client, team, name):
    thread = buyer_thread(team.account)
    message = outbound(thread, "needs_check")
    client.force_login(team.outsider)
    assert client.post(url(name, message.pk)).status_code == 404
    client.force_login(team.read_only)
    assert client.post(url(name, message.pk)).status_code == 403


def test_remove_tag_is_scoped(client, team):
    thread = buyer_thread(team.account)
    tag = services.find_or_create_tag(team.account.pk, "vip", team.agent)
    client.force_login(team.outsider)
    assert client.post(url("remove_tag", thread.pk, tag.pk)).status_code == 404
    client.force_login(team.read_only)
    assert client.post(url("remove_tag", thread.pk, tag.pk)).status_code == 403


def test_actions_are_audited(agent, team):
    thread = buyer_thread(team.account)
    agent.post(url("close", thread.pk), **HTMX)
    event = AuditEvent.objects.get(action="thread.closed")
    assert (event.actor, event.target_id) == (team.agent, str(thread.pk))
