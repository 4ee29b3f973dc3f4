"""Reply templates are checked when saved: blocking findings refuse the save and are shown,
warnings are shown with the saved template, placeholders never trip the checker."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from compliance.models import ComplianceEvent, Outcome
from messaging import reply_check
from messaging.models import ReplyTemplate
from tests.factories import MembershipFactory

EVERY_PLACEHOLDER = (
    "Hello {buyer_name},\n\nyour order {order_id} of {item_title} from {marketplace} shipped "
    "on {ship_date} and should arrive by {delivery_date}.\n\nKind regards\n{agent_name}, "
    "{seller_name}"
)


@pytest.fixture
def admin(client, team):
    user = MembershipFactory(seller_account=team.account, role=Role.ADMIN).user
    client.force_login(user)
    return user


def new_template(client, team, body: str, name: str = "Shipped"):
    return client.post(
        reverse("messaging:reply_templates"),
        {"seller_account": team.account.pk, "name": name, "language": "de", "body": body},
    )


def test_placeholders_do_not_trip_the_checker(client, team, admin):
    assert reply_check.check_template(EVERY_PLACEHOLDER, "en") == []
    response = new_template(client, team, EVERY_PLACEHOLDER)
    assert response.status_code == 302
    assert ReplyTemplate.objects.get().body == EVERY_PLACEHOLDER
    assert not ComplianceEvent.objects.exists()


def test_a_blocking_template_is_not_saved_and_its_findings_are_shown(client, team, admin):
    body = "Hallo {buyer_name}, besuchen Sie {seller_name}.com oder rufen Sie +49 30 1234567 an."
    response = new_template(client, team, body)
    assert response.status_code == 400
    assert not ReplyTemplate.objects.exists()
    html = response.text
    assert "The template was not saved" in html
    assert set(re.findall(r'<code class="rule-id">([A-Z_]+)</code>', html)) == {
        "LINK_EXTERNAL",
        "CONTACT_PHONE",
    }
    # The mark covers the placeholder as written, not the sample value checked in its place.
    assert re.search(
        r'<mark class="finding-mark block"[^>]*><sup[^>]*>1</sup>\{seller_name\}.com<', html
    )
    refused = ComplianceEvent.objects.filter(outcome=Outcome.TEMPLATE_REFUSED)
    assert sorted(refused.values_list("rule_id", flat=True)) == ["CONTACT_PHONE", "LINK_EXTERNAL"]
    assert {e.agent for e in refused} == {admin}


def test_a_template_with_warnings_is_saved_and_shows_them(client, team, admin):
    body = "Hallo {buyer_name}, Ihr Paket ist unterwegs 😊"
    response = new_template(client, team, body)
    template = ReplyTemplate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:reply_template", args=[template.pk])
    page = client.get(response["Location"]).text
    assert "Template saved, with warnings" in page
    assert "EMOJI" in page and "confirm_warnings" not in page
    (event,) = ComplianceEvent.objects.all()
    assert (event.outcome, event.rule_id, event.source_id) == (
        Outcome.TEMPLATE_WARNED,
        "EMOJI",
        template.pk,
    )


def test_editing_a_template_into_a_blocking_one_keeps_the_old_text(client, team, admin):
    template = ReplyTemplate.objects.create(
        seller_account=team.account, name="Hi", language="en", body="Hello {buyer_name}"
    )
    response = client.post(
        reverse("messaging:reply_template", args=[template.pk]),
        {"name": "Hi", "language": "en", "body": "Write to help@shop-example.com"},
    )
    assert response.status_code == 400 and "CONTACT_EMAIL" in response.text
    template.refresh_from_db()
    assert template.body == "Hello {buyer_name}"


def test_spans_map_back_through_placeholders():
    body = "{buyer_name}: see {seller_name}.com, {agent_name}"
    (finding,) = reply_check.check_template(body, "en")
    assert body[finding.start : finding.end] == "{seller_name}.com"
