"""CONTACT_EMAIL, CONTACT_PHONE and CONTACT_OFF_PLATFORM (rules.md 4.3, 4.4, 4.5, 5.2, 5.14).

Precedence (5.2): "call us on <number>" is CONTACT_PHONE only; a messenger named as a way to
reach the seller adds CONTACT_OFF_PLATFORM (with its number, both); inviting a call without any
number, or asking for the buyer's phone, e-mail or messenger handle, is CONTACT_OFF_PLATFORM.
A number right after QQ, WeChat or LINE is an account id: CONTACT_OFF_PLATFORM only (5.14).
"Follow us on Instagram" is MARKETING unless the buyer is invited to write there (5.12).
"""

from __future__ import annotations

import re

from compliance.document import Document
from compliance.messages import MESSAGES
from compliance.phones import find_phones
from compliance.rules.links import emails
from compliance.types import Finding, Severity

RULE_IDS = ("CONTACT_EMAIL", "CONTACT_PHONE", "CONTACT_OFF_PLATFORM")

# After a messenger's name: an account id or handle ("微信：lamp_service88", "LINE ID「@shop」",
# "Telegram @shop_help"), i.e. introduced by a colon or "id", or starting with @, or with a digit.
_HANDLE = re.compile(
    r"^\s*(?:(?:[:：]|\bid\b|号|账号|アカウント|аккаунт)\s*[「『\"'(（]?\s*@?[a-z0-9][\w.-]{2,}"
    r"|[「『\"'(（]?@[a-z0-9][\w.-]{2,}|[a-z_.-]*\d[\w.-]*)"
)


def check(doc: Document) -> list[Finding]:
    findings: list[Finding] = []
    for address in emails(doc):
        findings.append(
            doc.finding(
                "CONTACT_EMAIL",
                Severity.BLOCK,
                MESSAGES["CONTACT_EMAIL"],
                address.start,
                address.end,
            )
        )
    phones = find_phones(doc)
    for phone in phones:
        key = "CONTACT_PHONE_THIRD_PARTY" if phone.third_party else "CONTACT_PHONE"
        severity = Severity.WARN if phone.third_party else Severity.BLOCK
        findings.append(
            doc.finding("CONTACT_PHONE", severity, MESSAGES[key], phone.start, phone.end)
        )
    off = off_platform_spans(doc, has_number=bool(phones))
    if off:
        start, end = off[0]
        findings.append(
            doc.finding(
                "CONTACT_OFF_PLATFORM", Severity.BLOCK, MESSAGES["CONTACT_OFF_PLATFORM"], start, end
            )
        )
    return findings


def off_platform_spans(doc: Document, has_number: bool) -> list[tuple[int, int]]:
    """Where the text moves the conversation off Amazon (also used by DIVERT_OFF_AMAZON)."""

    def compute() -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for m in doc.find("contact.messenger"):
            if doc.negated(m.start, m.end):
                continue
            handle = _HANDLE.match(doc.text[m.end : m.end + 30])
            sentence = doc.sentences.around(m.start)
            number = any(sentence[0] <= p.start < sentence[1] for p in find_phones(doc))
            # "via Telegram", "por WhatsApp", "über WhatsApp": the messenger as the channel
            # ("follow us via Instagram" stays MARKETING, rules.md 5.12)
            via = doc.find_in(
                "contact.via", max(0, m.start - 16), m.start
            ) and not doc.sentence_has("marketing.follow_us", m.start)
            # "find us on insta @shop" is follow-us marketing unless the buyer is asked to write
            follow = doc.sentence_has("marketing.follow_us", m.start)
            if (not follow and (handle or number or via)) or doc.sentence_has(
                "contact.reach", m.start
            ):
                spans.append(m.span)
        if not has_number:
            # "the courier will call you before delivery" is the carrier's call, not the seller's
            spans.extend(
                m.span
                for m in doc.find("contact.call_invite")
                if not doc.negated(m.start, m.end)
                and not doc.sentence_has("contact.carrier", m.start)
            )
        spans.extend(
            m.span for m in doc.find("contact.ask_details") if not doc.negated(m.start, m.end)
        )
        return sorted(spans)

    return doc.memo("off_platform", compute)
