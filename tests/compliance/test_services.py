"""The Django-facing API: findings with explanations in the active language."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
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


LOCALE = Path(__file__).resolve().parents[2] / "compliance" / "locale"
CATALOGUES = ["es", "pt", "zh_Hans", "ar", "ru"]


def _message_ids() -> set[str]:
    from compliance.messages import MESSAGES, TITLES

    return set(TITLES.values()) | {m for pair in MESSAGES.values() for m in pair}


def _catalogue(language: str) -> dict[str, str]:
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as fh:
        return {k: v for k, v in gettext.GNUTranslations(fh)._catalog.items() if k}


@pytest.mark.parametrize("language", CATALOGUES)
def test_catalogue_translates_every_message(language: str) -> None:
    catalogue = _catalogue(language)
    assert _message_ids() - set(catalogue) == set()
    # a one-word title may stay as it is ("Marketing", "Emoji"); everything else is translated
    untranslated = [m for m in _message_ids() if catalogue[m] == m and " " in m]
    assert all(catalogue[m].strip() for m in _message_ids()) and untranslated == []


@pytest.mark.parametrize("language", CATALOGUES)
def test_catalogue_keeps_every_placeholder(language: str) -> None:
    catalogue = _catalogue(language)
    for message in _message_ids():
        assert sorted(re.findall(r"%\(\w+\)s", catalogue[message])) == sorted(
            re.findall(r"%\(\w+\)s", message)
        ), message
        assert ("[Important]" in catalogue[message]) == ("[Important]" in message)


def _read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (the subset of the format our catalogues use)."""
    entries: dict[str, str] = {}
    key, current = "", {"msgid": "", "msgstr": ""}
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        m = re.match(r'^(msgid|msgstr) "(.*)"$', line)
        if m:
            key = m.group(1)
            current[key] = m.group(2)
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
        elif not line.strip() and current["msgid"]:
            entries[_unescape(current["msgid"])] = _unescape(current["msgstr"])
            current, key = {"msgid": "", "msgstr": ""}, ""
    return entries


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


@pytest.mark.parametrize("language", CATALOGUES)
def test_compiled_catalogue_matches_its_source(language: str) -> None:
    source = _read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert source == _catalogue(language)


@pytest.mark.parametrize(
    ("language", "word"),
    [("pt", "telefone"), ("zh-hans", "电话"), ("ar", "هاتف"), ("ru", "телефон")],
)
def test_explanations_are_rendered_in_each_product_language(language: str, word: str) -> None:
    with translation.override(language):
        (finding,) = check_message(kind="reply", body="Call us on +1 (646) 555-0187.")
    assert word in finding.title.lower() + finding.explanation.lower()
    assert "+1 (646) 555-0187" in finding.explanation
