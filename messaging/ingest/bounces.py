"""Matching a delivery failure back to the reply it rejects (rules.md section 9): by
In-Reply-To/References or the quoted original Message-ID first, then by buyer alias and order id,
then by alias and subject, each within a time window before the notice."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db.models import F
from django.db.models.functions import Coalesce

from ..models import Channel, Direction, Message, OutgoingState
from . import addresses
from .types import ParsedMail

WINDOW = timedelta(days=7)  # Amazon answers within minutes; a week covers a worker backlog
_REPLY_PREFIX = re.compile(
    r"^(?:\s*(?:re|aw|sv|vs|antw|rif|r|res|答复|回复|返信)\s*[:：]\s*)+",  # noqa: RUF001
    re.I,
)


def normalise_subject(subject: str) -> str:
    return " ".join(_REPLY_PREFIX.sub("", subject or "").split()).lower()


def find_rejected_reply(account_id: int, mail: ParsedMail, at: datetime) -> Message | None:
    """The outgoing message `mail` (a delivery failure) rejects, or None when nothing fits."""
    failure = mail.delivery_failure
    if failure is None:
        return None
    outbound = Message.objects.filter(
        thread__seller_account_id=account_id, direction=Direction.OUTBOUND, channel=Channel.EMAIL
    ).select_related("thread")
    ids = [i for i in (failure.original_message_id, mail.in_reply_to, *mail.references) if i]
    if ids:
        found = outbound.filter(message_id__in=ids).order_by("-created_at").first()
        if found is not None:
            return found
    recent = (
        outbound.exclude(outgoing_state=OutgoingState.REJECTED)
        .annotate(when=Coalesce(F("sent_at"), F("created_at")))
        .filter(when__gte=at - WINDOW, when__lte=at + timedelta(hours=1))
        .order_by("-when", "-id")
    )
    alias = addresses.stable_alias(failure.recipient)
    if alias:
        recent = recent.filter(thread__buyer_alias=alias)
    if mail.order_id:
        found = recent.filter(thread__amazon_order_id=mail.order_id).first()
        if found is not None:
            return found
    if not alias:
        return None  # an order id alone is not enough: the seller may have written twice
    wanted = normalise_subject(failure.original_subject)
    candidates = list(recent[:20])
    if wanted:
        for message in candidates:
            if normalise_subject(message.subject) == wanted:
                return message
    return candidates[0] if len(candidates) == 1 else None
