"""LINK_EXTERNAL and LINK_AMAZON_NONESSENTIAL (rules.md 4.1, 4.2, 5.1, 5.8, 5.9).

Addresses are found by `compliance.addresses` (plain, obfuscated, shortened, inside markdown or
HTML anchors). Amazon marketplace names without a path ("Amazon.de") are not links; Amazon links
to product pages, stores, searches and short links are non-essential; every other host is
external. A per-seller allow-list (`Context.allowed_domains`) lowers an external link to warn.
"""

from __future__ import annotations

from functools import cache

from compliance.addresses import (
    Address,
    Patterns,
    amazon_path_is_nonessential,
    find_emails,
    find_urls,
    is_amazon,
    registrable,
)
from compliance.document import Document
from compliance.messages import MESSAGES
from compliance.types import Finding, Severity
from compliance.vocab import Vocabulary

RULE_IDS = ("LINK_EXTERNAL", "LINK_AMAZON_NONESSENTIAL")


@cache
def patterns(vocab: Vocabulary) -> Patterns:
    return Patterns(vocab)


def emails(doc: Document) -> list[Address]:
    return doc.memo("emails", lambda: find_emails(doc.text, patterns(doc.vocab), doc.anchor_hits))


def urls(doc: Document) -> list[Address]:
    return doc.memo(
        "urls",
        lambda: find_urls(doc.text, patterns(doc.vocab), emails(doc), doc.anchor_hits),
    )


def external_urls(doc: Document) -> list[Address]:
    return [u for u in urls(doc) if not is_amazon(u.host)]


def check(doc: Document) -> list[Finding]:
    findings: list[Finding] = []
    allowed = {d.lower().strip(".") for d in doc.context.allowed_domains}
    for url in urls(doc):
        if _messenger_handle(doc, url):
            continue
        if is_amazon(url.host):
            if amazon_path_is_nonessential(url.host, url.path):
                severity = Severity.BLOCK if doc.proactive else Severity.WARN
                findings.append(
                    doc.finding(
                        "LINK_AMAZON_NONESSENTIAL",
                        severity,
                        MESSAGES["LINK_AMAZON_NONESSENTIAL"],
                        url.start,
                        url.end,
                    )
                )
            continue
        domain = registrable(url.host) or url.host
        severity = Severity.WARN if domain in allowed or url.host in allowed else Severity.BLOCK
        findings.append(
            doc.finding("LINK_EXTERNAL", severity, MESSAGES["LINK_EXTERNAL"], url.start, url.end)
        )
    return findings


def _messenger_handle(doc: Document, url: Address) -> bool:
    """A bare name right after a messenger ("Skype: shop.support") is an account id, reported as
    CONTACT_OFF_PLATFORM (rules.md 5.14), not a web address."""
    if url.explicit or url.obfuscated:
        return False
    return bool(doc.find_in("contact.messenger", max(0, url.start - 30), url.start))
