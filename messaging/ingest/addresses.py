"""Buyer aliases, Amazon senders, order ids and marketplaces: the identifiers in relayed mail.

Facts from the Amazon notes: buyer aliases live at `marketplace.amazon.<suffix>` (match the
prefix, not a fixed list); newer aliases carry a `+<uuid>` suffix whose stable part is the token
before the `+`; order ids are 3-7-7 digits (digital and some service orders start with a letter,
such as D01-); the display name is the buyer's name plus " - Amazon Marketplace".
"""

from __future__ import annotations

import re
import unicodedata

from accounts.marketplaces import BY_ID, by_alias_domain

ALIAS = re.compile(
    r"^(?P<token>[a-z0-9][a-z0-9._-]{0,63}?)(?:\+[^@]{0,100})?@(?P<domain>marketplace\.amazon\.[a-z]{2,3}(?:\.[a-z]{2})?)$",
    re.IGNORECASE,
)
ALIAS_IN_TEXT = re.compile(
    r"[a-z0-9][a-z0-9._+-]*@marketplace\.amazon\.[a-z]{2,3}(?:\.[a-z]{2})?\b", re.IGNORECASE
)
AMAZON_SENDER = re.compile(r"(?:^|\.)amazon(?:\.[a-z]{2,3}){1,2}$", re.IGNORECASE)
MAIL_SYSTEM_SENDER = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)
DISPLAY_NAME_SUFFIX = re.compile(
    r"\s*[-–—|]\s*(?:amazon\s+marketplace|marketplace\s+amazon|amazon\.?[a-z.]*)\s*$",  # noqa: RUF001
    re.IGNORECASE,
)
_DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"
ORDER_ID = re.compile(
    rf"(?<![\w{_DASH}])(\d{{3}}|[A-Z]\d{{2}})[{_DASH}](\d{{7}})[{_DASH}](\d{{7}})(?![\w{_DASH}])"
)


def stable_alias(address: str) -> str:
    """`token@marketplace.amazon.tld` in lower case if `address` is a buyer alias, else ""."""
    match = ALIAS.match(address.strip())
    if not match:
        return ""
    return f"{match['token']}@{match['domain']}".lower()


def alias_domain(alias: str) -> str:
    return alias.rpartition("@")[2]


def is_amazon_sender(address: str) -> bool:
    domain = address.rpartition("@")[2].lower()
    return bool(AMAZON_SENDER.search(domain)) and not domain.startswith("marketplace.amazon.")


def is_mail_system_sender(address: str) -> bool:
    return bool(MAIL_SYSTEM_SENDER.match(address.strip()))


def buyer_name_from_display(name: str) -> str:
    """The buyer's name without Amazon's " - Amazon Marketplace" suffix (and without quotes)."""
    name = name.strip().strip("\"'").strip()
    return DISPLAY_NAME_SUFFIX.sub("", name).strip()


def find_order_id(*texts: str) -> str:
    """The first order id in `texts` (searched in order), as ASCII 3-7-7, or ""."""
    for text in texts:
        if not text:
            continue
        match = ORDER_ID.search(unicodedata.normalize("NFKC", text))
        if match:
            return "-".join(match.groups())
    return ""


def marketplace_for(alias: str, header_marketplace_id: str = "") -> str:
    """The marketplace id: from the alias domain, else from Amazon's X-Marketplace-ID header."""
    if alias:
        info = by_alias_domain(alias_domain(alias))
        if info is not None:
            return info.marketplace_id
    header_marketplace_id = header_marketplace_id.strip()
    if header_marketplace_id in BY_ID:
        return header_marketplace_id
    return ""


def default_language(marketplace_id: str) -> str:
    info = BY_ID.get(marketplace_id)
    return info.default_language if info else ""
