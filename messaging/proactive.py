"""Proactive messages and review requests, from a thread or from an order page.

The orders app talks to Amazon (`orders.proactive`); this module decides what the agent may
send and keeps the thread's record: only the message types Amazon offers for the order now,
only the critical ones when the buyer opted out of unsolicited messages, the text within the
type's length limit and checked by the compliance rules (kind proactive, with the order's
context). A message Amazon accepted is stored in the thread as an outbound message on the
SP-API channel (it answers nothing in the 24-hour measure); a thread is started for an order
nobody has written about yet, closed, since nothing waits for a reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from compliance.models import Outcome
from compliance.services import warnings_confirmed
from orders import proactive as amazon
from orders.models import Order, ProactiveMessage

from . import reply_check, services
from .models import (
    Channel,
    Direction,
    Message,
    NoticeKind,
    OutgoingState,
    SystemNotice,
    Thread,
    ThreadStatus,
)

RECENT_SENDS = 20
OPTED_OUT = gettext_lazy(
    "The buyer opted out of unsolicited messages: only critical message types reach them."
)
# How Amazon's delivery-failure notices say the buyer opted out (rules.md 9; English, as seen).
OPT_OUT = r"opt(ed)?[ -]?out|unsolicited"


@dataclass(frozen=True)
class TypeChoice:
    spec: amazon.MessageType
    allowed: bool
    why_not: str = ""


@dataclass
class Situation:
    """Everything the proactive page shows about one order."""

    order: Order
    thread: Thread | None
    offer: amazon.Offer
    opted_out: bool
    buyer_language: str
    choices: list[TypeChoice] = field(default_factory=list)
    review: amazon.ReviewState | None = None
    recent: list[tuple[ProactiveMessage, str]] = field(default_factory=list)  # with its label

    @property
    def sendable(self) -> list[TypeChoice]:
        return [choice for choice in self.choices if choice.allowed]

    def choice(self, name: str) -> TypeChoice | None:
        return next((c for c in self.choices if c.spec.name == name), None)


class Refused(Exception):
    """Nothing was sent: `reason` in words for the agent, `findings` from the checker."""

    def __init__(self, reason: str, findings: list | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.findings = findings or []


def thread_for_order(order: Order) -> Thread | None:
    """The order's thread with the buyer (the most recently active one)."""
    return (
        Thread.objects.filter(
            seller_account_id=order.seller_account_id, amazon_order_id=order.amazon_order_id
        )
        .order_by("-last_activity_at", "-id")
        .first()
    )


def buyer_opted_out(order: Order, thread: Thread | None) -> bool:
    """Whether Amazon told us this buyer opted out of unsolicited messages: a delivery-failure
    notice about the order, or about a message to the buyer's alias, that says so."""
    about = Q(amazon_order_id=order.amazon_order_id)
    if thread is not None and thread.buyer_alias:
        about |= Q(rejected_message__thread__buyer_alias=thread.buyer_alias)
    return (
        SystemNotice.objects.filter(
            seller_account_id=order.seller_account_id, kind=NoticeKind.DELIVERY_FAILURE
        )
        .filter(about)
        .filter(Q(reason__iregex=OPT_OUT) | Q(text__iregex=OPT_OUT))
        .exists()
    )


def _language(order: Order, thread: Thread | None, offer: amazon.Offer) -> str:
    """The buyer's language: Amazon's locale for the buyer, else the thread's, else the
    marketplace's."""
    return (
        offer.buyer_language
        or (thread.language if thread else "")
        or (order.marketplace.default_language if order.marketplace else "")
    )[:2]


def situation(order: Order, thread: Thread | None, *, refresh: bool = False) -> Situation:
    offer = amazon.offer(order, refresh=refresh)
    opted_out = buyer_opted_out(order, thread)
    language = _language(order, thread, offer)
    choices = []
    for name in offer.message_types:
        spec = amazon.MESSAGE_TYPES.get(name)
        if spec is None:
            continue  # a type this product does not know (or Amazon retired)
        if opted_out and not spec.critical:
            choices.append(TypeChoice(spec, False, str(OPTED_OUT)))
        elif not spec.text_limit:
            choices.append(
                TypeChoice(spec, False, _("Needs a document upload: send it from Seller Central."))
            )
        else:
            choices.append(TypeChoice(spec, True))
    recent = [
        (m, str(amazon.MESSAGE_TYPES[m.message_type].label))
        if m.message_type in amazon.MESSAGE_TYPES
        else (m, m.message_type)
        for m in ProactiveMessage.objects.filter(order=order)
        .select_related("requested_by")
        .order_by("-created_at")[:RECENT_SENDS]
    ]
    return Situation(
        order=order,
        thread=thread,
        offer=offer,
        opted_out=opted_out,
        buyer_language=language,
        choices=choices,
        review=amazon.review_state(order, offer),
        recent=recent,
    )


def check_draft(
    order: Order, thread: Thread | None, message_type: str, text: str
) -> list[reply_check.Finding]:
    """The live check as the agent types: the same rules and context as `send`, with what
    Amazon offers taken from the cache."""
    offer = amazon.offer(order)
    sit = Situation(
        order=order,
        thread=thread,
        offer=offer,
        opted_out=buyer_opted_out(order, thread),
        buyer_language=_language(order, thread, offer),
    )
    return check(sit, message_type, text)


def check(sit: Situation, message_type: str, text: str) -> list[reply_check.Finding]:
    """The compliance findings for `text` sent as `message_type` for the situation's order."""
    now = timezone.now()
    return reply_check.check_proactive(
        text,
        message_type=message_type,
        buyer_opted_out=sit.opted_out,
        days_since_delivery=amazon.days_since_delivery(sit.order, now),
        review_requests_already_sent=amazon.review_requests_sent(sit.order),
        buyer_language=sit.buyer_language or None,
    )


def send(
    sit: Situation,
    actor: User,
    *,
    message_type: str,
    text: str,
    key: str,
    confirmation: str = "",
) -> ProactiveMessage:
    """Send a proactive message for the situation's order, or raise Refused (nothing sent).

    Checked here, whatever the browser did: the type is offered by Amazon and allowed for this
    buyer, the text fits the type's limit, no finding blocks and the warnings were confirmed.
    """
    text = _normalise(text)
    choice = sit.choice(message_type)
    if choice is None:
        raise Refused(_("Amazon does not offer this message type for this order now."))
    if not choice.allowed:
        raise Refused(choice.why_not)
    if not text:
        raise Refused(_("The message needs some text."))
    if len(text) > choice.spec.text_limit:
        raise Refused(
            _("Amazon accepts at most %(limit)d characters for this type; this is %(length)d.")
            % {"limit": choice.spec.text_limit, "length": len(text)}
        )
    findings = check(sit, message_type, text)
    account_id, order_pk = sit.order.seller_account_id, sit.order.pk
    if reply_check.blocking(findings):
        reply_check.record_proactive(account_id, actor.pk, order_pk, Outcome.SEND_REFUSED, findings)
        raise Refused(_("The compliance check found problems that block sending."), findings)
    if not warnings_confirmed(findings, confirmation):
        reply_check.record_proactive(account_id, actor.pk, order_pk, Outcome.SEND_REFUSED, findings)
        raise Refused(_("Confirm that you have read the warnings, then send again."), findings)

    def store(record: ProactiveMessage) -> None:
        message = _store_in_thread(sit, actor, choice.spec, text)
        record.thread_message_id = message.pk
        record.save(update_fields=["thread_message_id"])
        if findings:
            reply_check.record_proactive(
                account_id, actor.pk, order_pk, Outcome.SENT_WITH_WARNINGS, findings
            )

    try:
        return amazon.send_message(sit.order, actor, message_type, text, key, on_sent=store)
    except amazon.ProactiveRefused as refused:
        raise Refused(refused.reason) from refused


def request_review(order: Order, actor: User) -> None:
    try:
        amazon.request_review(order, actor)
    except amazon.ProactiveRefused as refused:
        raise Refused(refused.reason) from refused


def _store_in_thread(sit: Situation, actor: User, spec: amazon.MessageType, text: str) -> Message:
    now = timezone.now()
    thread = sit.thread or thread_for_order(sit.order)
    if thread is None:
        # No alias yet: Amazon gives it with the buyer's first mail, which starts its own thread.
        thread, _created = Thread.objects.get_or_create(
            seller_account_id=sit.order.seller_account_id,
            buyer_alias="",
            amazon_order_id=sit.order.amazon_order_id,
            defaults={
                "marketplace_id": sit.order.marketplace_id,
                "buyer_name": sit.order.buyer_name,
                "order": sit.order,
                "subject": str(spec.label),
                "language": sit.buyer_language,
                "status": ThreadStatus.CLOSED,
                "status_changed_at": now,
                "status_changed_by": actor,
                "last_activity_at": now,
            },
        )
    thread = services.lock(thread)
    message = Message.objects.create(
        thread=thread,
        direction=Direction.OUTBOUND,
        channel=Channel.SP_API,
        to_address=thread.buyer_alias,
        subject=str(spec.label),
        text=text,
        language=sit.buyer_language,
        occurred_at=now,
        sent_at=now,
        author=actor,
        outgoing_state=OutgoingState.SENT,
    )
    thread.last_activity_at = max(thread.last_activity_at, now)
    thread.save(update_fields=["last_activity_at"])
    return message


def _normalise(text: str) -> str:
    return re.sub(r"\r\n?", "\n", text or "").strip()
