"""The engine as a whole: text normalisation and offsets, purity, rule table."""

from __future__ import annotations

import subprocess
import sys

from compliance.messages import MESSAGES, TITLES
from compliance.rules import RULE_IDS
from compliance.text import NormText, sentences

# The 27 rule ids of rules.md section 3.
RULES_MD = {
    "LINK_EXTERNAL", "LINK_AMAZON_NONESSENTIAL", "CONTACT_EMAIL", "CONTACT_PHONE",
    "CONTACT_OFF_PLATFORM", "DIVERT_OFF_AMAZON", "PERSONAL_INFO_REQUEST", "MARKETING",
    "REVIEW_INCENTIVE", "REVIEW_POSITIVE_ONLY", "REVIEW_CHANGE_REQUEST", "REVIEW_REPEAT",
    "CANCEL_REQUEST", "OPT_OUT_LINK", "IMPORTANT_MISUSE", "PROACTIVE_NOT_PERMITTED",
    "PROACTIVE_WINDOW", "PROACTIVE_OPTED_OUT", "PROACTIVE_HTML", "LANGUAGE_MISMATCH", "EMOJI",
    "IMAGE_GIF", "ATTACHMENT_TYPE", "ATTACHMENT_SIZE", "ATTACHMENT_COUNT", "ORDER_ID_MISSING",
    "TRACKING_PIXEL",
}  # fmt: skip


def test_every_rule_of_the_specification_is_implemented_with_messages() -> None:
    assert set(RULE_IDS) == RULES_MD
    assert set(MESSAGES) >= RULES_MD and set(TITLES) >= RULES_MD


def test_normalisation_maps_offsets_back_to_the_original() -> None:
    original = "Ｓｅｅ ex\u200bample．com — ٠١٢"
    norm = NormText(original)
    assert norm.text == "see example.com - 012"
    start = norm.text.index("example.com")
    o_start, o_end = norm.to_original(start, start + len("example.com"))
    assert original[o_start:o_end] == "ex\u200bample．com"


def test_plain_text_needs_no_offset_map() -> None:
    norm = NormText("Hello World")
    assert norm.text == "hello world" and norm.to_original(0, 5) == (0, 5)


def test_abbreviations_do_not_end_sentences() -> None:
    text = "tel. 020 7946 0321. z.b. das. done"
    assert [text[a:b] for a, b in sentences(text).spans] == [
        "tel. 020 7946 0321.",
        " z.b. das.",
        " done",
    ]


def test_core_imports_no_django() -> None:
    code = (
        "import sys, compliance.engine, compliance.rules, compliance.types;"
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_reply_subject_from_the_buyer_is_not_checked(rules) -> None:
    assert rules("We are on it.", subject="Re: 1-star review, call me on 020 7946 0321") == set()


def test_findings_are_in_rule_table_order(findings) -> None:
    found = findings("Call +1 (646) 555-0187 or visit example.com 😊")
    assert [f.rule_id for f in found] == ["LINK_EXTERNAL", "CONTACT_PHONE", "EMOJI"]
