"""IMPORTANT_MISUSE, PROACTIVE_NOT_PERMITTED, PROACTIVE_WINDOW, PROACTIVE_OPTED_OUT,
ORDER_ID_MISSING and LANGUAGE_MISMATCH (rules.md 4.15-4.18, 4.20, 4.26, 5.6, 5.7, section 6)."""

from __future__ import annotations

import pytest

from compliance.types import Severity

REVIEW = "If you have a moment, we would appreciate an honest review of the product."
ENGRAVING = "Please confirm the text to engrave on your watch before we start."
ADDRESS = "The carrier could not deliver: the street number is missing. Please reply with it."


@pytest.mark.parametrize(
    "body",
    [
        "Your order has shipped and is on its way!",
        "Thank you for your purchase. We hope you enjoy it!",
        "How are you getting on with your new lamp? We're here if you need anything.",
        "Season's greetings from all of us!",
        "Ihre Bestellung wurde versandt.",
        "ご注文の商品を発送いたしました。",
    ],
)
def test_proactive_message_without_permitted_purpose_fires(rules, body: str) -> None:
    assert "PROACTIVE_NOT_PERMITTED" in rules(body, "proactive")


@pytest.mark.parametrize("body", [REVIEW, ENGRAVING, ADDRESS, "Your invoice is attached."])
def test_permitted_purposes_pass(rules, body: str) -> None:
    assert rules(body, "proactive") == set()


def test_message_type_from_context_is_a_permitted_purpose(rules) -> None:
    assert rules("Hello.", "proactive", message_type="sendInvoice") == set()


def test_replies_are_never_judged_for_purpose(rules) -> None:
    assert rules("Your order has shipped.", "reply") == set()


def test_window_is_thirty_days_after_delivery(rules) -> None:
    assert rules(REVIEW, "proactive", days_since_delivery=30) == set()
    assert rules(REVIEW, "proactive", days_since_delivery=31) == {"PROACTIVE_WINDOW"}
    assert rules("Sorry for the wait.", "reply", days_since_delivery=90) == set()


def test_opted_out_buyer_gets_only_critical_messages(findings) -> None:
    (finding,) = findings(REVIEW, "proactive", buyer_opted_out=True)
    assert (finding.rule_id, finding.severity) == ("PROACTIVE_OPTED_OUT", Severity.WARN)
    assert findings(ENGRAVING, "proactive", buyer_opted_out=True) == []
    assert findings(ADDRESS, "proactive", buyer_opted_out=True) == []


def test_important_marker_only_on_critical_messages(rules) -> None:
    assert rules(REVIEW, "proactive", "[Important] your review") == {"IMPORTANT_MISUSE"}
    assert rules(REVIEW, "proactive", "[IMPORTANT] your review") == {"IMPORTANT_MISUSE"}
    assert rules(REVIEW, "proactive", marked_important=True) == {"IMPORTANT_MISUSE"}
    assert rules(ADDRESS, "proactive", "[Important] address problem") == set()
    assert rules(REVIEW, "proactive", "Important: your review") == set()


def test_order_id_required_for_proactive_email_only(rules) -> None:
    assert rules(ADDRESS, "proactive", channel="email") == {"ORDER_ID_MISSING"}
    assert rules(ADDRESS + " Order 114-3941689-8772232.", "proactive", channel="email") == set()
    assert rules(ADDRESS, "proactive") == set()


def test_language_mismatch_for_proactive_messages(findings) -> None:
    (finding,) = findings(ENGRAVING, "proactive", buyer_language="de")
    assert (finding.rule_id, finding.severity) == ("LANGUAGE_MISMATCH", Severity.WARN)
    german = "Bitte bestätigen Sie den Text für die Gravur, bevor wir mit der Arbeit beginnen."
    assert findings(german, "proactive", buyer_language="de") == []
    assert findings("ご注文の刻印内容をご確認ください。", "proactive", buyer_language="en") != []
    assert findings(ENGRAVING, "reply", buyer_language="de") == []
