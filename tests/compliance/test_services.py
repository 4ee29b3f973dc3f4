"""The Django-facing API: findings with explanations in the active language."""

from __future__ import annotations

from django.utils import translation

from compliance.services import attachment, check_message, has_blocking
from compliance.types import Severity


def test_check_message_returns_located_findings_with_explanations() -> None:
    body = "Thanks! Call us on +1 (646) 555-0187."
    (finding,) = check_message(kind="reply", body=body)
    assert finding.rule_id == "CONTACT_PHONE" and finding.blocks
    assert (finding.field, body[finding.start : finding.end]) == ("body", "+1 (646) 555-0187")
    assert "+1 (646) 555-0187" in finding.explanation
    assert finding.suggestion and finding.title == "Telephone number"


def test_has_blocking_distinguishes_warnings() -> None:
    warning_only = check_message(kind="reply", body="Glad it arrived 😊")
    assert [f.severity for f in warning_only] == [Severity.WARN]
    assert not has_blocking(warning_only)
    assert has_blocking(check_message(kind="proactive", body="Glad it arrived 😊"))
    assert not has_blocking([])


def test_context_arguments_reach_the_rules() -> None:
    findings = check_message(
        kind="proactive",
        body="We would appreciate an honest review of the product.",
        days_since_delivery=45,
        buyer_opted_out=True,
        attachments=[attachment("photo.gif", 1000, "image/gif")],
    )
    assert {f.rule_id for f in findings} == {"PROACTIVE_WINDOW", "PROACTIVE_OPTED_OUT", "IMAGE_GIF"}


def test_explanations_follow_the_active_language() -> None:
    with translation.override("es"):
        (finding,) = check_message(kind="reply", body="Call us on +1 (646) 555-0187.")
    assert finding.title == "Número de teléfono"
    assert "+1 (646) 555-0187" in finding.explanation
    assert "teléfono" in finding.explanation


def test_spanish_catalogue_translates_every_message() -> None:
    import gettext
    from pathlib import Path

    from compliance.messages import MESSAGES, TITLES

    mo = Path(__file__).resolve().parents[2] / "compliance/locale/es/LC_MESSAGES/django.mo"
    with mo.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    ids = set(TITLES.values()) | {m for pair in MESSAGES.values() for m in pair}
    assert ids - set(catalog._catalog) == set()
