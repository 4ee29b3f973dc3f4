"""Filling reply templates: {buyer_name}, {order_id}, ... from the thread and its order.

Pure: values in, text out. A placeholder the order cannot fill is reported, never replaced by
an empty string, so no buyer gets "Dear ," or "your order  has shipped".
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")

PLACEHOLDERS = {
    "buyer_name": _("The buyer's name"),
    "order_id": _("The Amazon order id"),
    "item_title": _("The title of the (first) item ordered"),
    "marketplace": _("The marketplace, e.g. Amazon.de"),
    "agent_name": _("Your name"),
    "seller_name": _("The seller account's name"),
    "ship_date": _("When the order shipped (or latest ship date)"),
    "delivery_date": _("When it was delivered (or latest delivery date)"),
}


@dataclass(frozen=True)
class Filled:
    text: str
    missing: list[str]  # placeholders without a value, in order of appearance
    unknown: list[str]  # {names} that are not placeholders at all


def fill(body: str, values: dict[str, str]) -> Filled:
    """Replace every known placeholder that has a value; list the ones that have none."""
    missing: list[str] = []
    unknown: list[str] = []

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            if name not in unknown:
                unknown.append(name)
            return match.group(0)
        value = (values.get(name) or "").strip()
        if not value:
            if name not in missing:
                missing.append(name)
            return match.group(0)
        return value

    return Filled(PLACEHOLDER_RE.sub(replace, body), missing, unknown)
