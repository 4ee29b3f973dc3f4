"""Proactive messages and review requests through the SP-API (Messaging and Solicitations).

What Amazon offers for an order (getMessagingActionsForOrder, the buyer's locale from
GetAttributes, getSolicitationActionsForOrder) is read at most once a minute per order and
kept in the cache. Sending is at most once: a row is claimed first (unique idempotency key, and
the same text of the same type only once per order; one review request per order), then Amazon
is called outside any transaction, then the row is marked sent together with whatever the
caller stores (`on_sent`), or marked failed with Amazon's words. A timeout or a 5xx may come
after Amazon delivered: such a send is "uncertain" and is never repeated by itself.

Facts: ../shared/amazon/sp-api.md sections 5 and 7, rules.md sections 6.1 and 6.2.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.models import User

from .client import AmazonError, AmazonUnavailable, NeedsReauthorisation, RateLimitWait
from .models import MAYBE_SENT, Order, OrderStatus, ProactiveMessage, ReviewRequest, SendState
from .services import AccountNeedsReauthorisation, client_for, mark_needs_reauthorisation

CACHE_SECONDS = 60
MAX_WAIT_SECONDS = 10.0  # an agent is waiting: never queue behind the rate limiter for long
REVIEW_OPENS_AFTER = timedelta(days=5)  # after the earliest delivery date (sp-api.md 7)
REVIEW_CLOSES_AFTER = timedelta(days=30)  # after the latest delivery date
REVIEW_ACTION = "productReviewAndSellerFeedback"


@dataclass(frozen=True)
class MessageType:
    name: str
    label: str
    help: str
    text_limit: int  # 0: the type carries no text (documents only)
    critical: bool  # reaches buyers who opted out of unsolicited messages


# The Messaging API's types, their text limits (sp-api.md 5.2) and which are critical: Amazon
# labels unexpectedProblem and legalDisclosure critical; customization and delivery questions
# reach opted-out buyers per Seller Central help (rules.md 6.2; mapping them onto the API types
# is our inference, sp-api.md 5.4).
MESSAGE_TYPES: dict[str, MessageType] = {
    t.name: t
    for t in (
        MessageType(
            "unexpectedProblem",
            gettext_lazy("Unexpected problem"),
            gettext_lazy("A problem that affects completing the order (a delay, a stock error)."),
            2000,
            True,
        ),
        MessageType(
            "confirmCustomizationDetails",
            gettext_lazy("Customization details"),
            gettext_lazy("Ask the buyer to provide or confirm what to personalise."),
            800,
            True,
        ),
        MessageType(
            "confirmDeliveryDetails",
            gettext_lazy("Delivery details"),
            gettext_lazy("Arrange a delivery or confirm the contact details for it."),
            2000,
            True,
        ),
        MessageType(
            "confirmOrderDetails",
            gettext_lazy("Order details"),
            gettext_lazy("A question about the order before it ships."),
            2000,
            False,
        ),
        MessageType(
            "confirmServiceDetails",
            gettext_lazy("Service appointment"),
            gettext_lazy("Arrange a Home Services appointment."),
            2000,
            False,
        ),
        MessageType(
            "digitalAccessKey",
            gettext_lazy("Digital access key"),
            gettext_lazy("Send the key or code the buyer needs for a digital product."),
            400,
            False,
        ),
        MessageType(
            "legalDisclosure",
            gettext_lazy("Legal disclosure"),
            gettext_lazy("Documents the seller is legally obliged to send."),
            0,
            True,
        ),
        MessageType(
            "warranty",
            gettext_lazy("Warranty"),
            gettext_lazy("Warranty documents and coverage dates."),
            0,
            False,
        ),
        MessageType(
            "invoice", gettext_lazy("Invoice"), gettext_lazy("Send the buyer an invoice."), 0, False
        ),
    )
}
CRITICAL_TYPES = frozenset(name for name, t in MESSAGE_TYPES.items() if t.critical)
# The compliance engine knows the invoice type by its operation name.
ENGINE_NAMES = {"invoice": "sendInvoice"}


class ProactiveRefused(Exception):
    """Nothing was sent; `reason` says why in words for the agent."""

    def __init__(self, reason: str, *, record: ProactiveMessage | ReviewRequest | None = None):
        super().__init__(reason)
        self.reason = reason
        self.record = record


# --- Facts about the order --------------------------------------------------------------------


def delivery_time(order: Order | None, now: datetime) -> datetime | None:
    """When the order was delivered: the confirmed time, else the latest promised delivery date
    once it has passed (tool vendors count Amazon's 30 days from delivery, rules.md 1)."""
    if order is None:
        return None
    if order.delivered_at is not None:
        return order.delivered_at
    shipped = order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED)
    if shipped and order.latest_delivery_date is not None and order.latest_delivery_date <= now:
        return order.latest_delivery_date
    return None


def days_since_delivery(order: Order | None, now: datetime) -> int | None:
    delivered = delivery_time(order, now)
    return None if delivered is None else max(0, (now - delivered).days)


def review_requests_sent(order: Order | None) -> int:
    """Review requests this product sent (or may have sent) for the order."""
    if order is None:
        return 0
    return ReviewRequest.objects.filter(order=order, state__in=MAYBE_SENT).count()


def review_window(order: Order) -> tuple[datetime, datetime] | None:
    """Amazon's window for a review request: 5 days after the earliest delivery date to 30
    days after the latest (sp-api.md 7); None when the order has no delivery dates yet."""
    first = order.earliest_delivery_date or order.delivered_at or order.latest_delivery_date
    last = order.latest_delivery_date or order.delivered_at or order.earliest_delivery_date
    if first is None or last is None:
        return None
    return first + REVIEW_OPENS_AFTER, last + REVIEW_CLOSES_AFTER


# --- What Amazon offers now -------------------------------------------------------------------


@dataclass
class Offer:
    """What Amazon said about the order, read at `fetched_at` (or why we could not ask)."""

    message_types: list[str] = field(default_factory=list)  # Amazon's action names
    buyer_locale: str = ""
    review_offered: bool | None = None  # None: not asked (outside the window, already sent)
    problem: str = ""  # why Amazon could not be asked; empty when it answered
    fetched_at: str = ""

    @property
    def buyer_language(self) -> str:
        return self.buyer_locale.split("-")[0].lower()


def _cache_key(order: Order) -> str:
    return f"orders:proactive-offer:{order.pk}"


def forget_offer(order: Order) -> None:
    cache.delete(_cache_key(order))


def offer(order: Order, *, refresh: bool = False) -> Offer:
    """What Amazon offers for `order` now, from the cache when read in the last minute."""
    if not refresh:
        cached = cache.get(_cache_key(order))
        if cached is not None:
            return Offer(**cached)
    result = _ask_amazon(order)
    if not result.problem:
        cache.set(_cache_key(order), asdict(result), CACHE_SECONDS)
    return result


def _ask_amazon(order: Order) -> Offer:
    account = order.seller_account
    if not account.refresh_token:
        return Offer(problem=_("This seller account is not connected to Amazon yet."))
    if order.marketplace_id is None:
        return Offer(problem=_("Amazon has not said which marketplace this order is in yet."))
    result = Offer(fetched_at=timezone.now().isoformat())
    try:
        client = client_for(account, max_wait=MAX_WAIT_SECONDS)
        order_id, marketplace = order.amazon_order_id, order.marketplace_id
        result.message_types = client.messaging_actions(order_id, marketplace)
        result.buyer_locale = client.buyer_attributes(order_id, marketplace).get("locale", "")
        if _review_worth_asking(order, timezone.now()):
            result.review_offered = REVIEW_ACTION in client.solicitation_actions(
                order_id, marketplace
            )
    except NeedsReauthorisation as error:
        mark_needs_reauthorisation(account.pk, error.message)
        result.problem = _("Amazon refused this seller account's credentials: reconnect it.")
    except AccountNeedsReauthorisation:
        result.problem = _("Amazon refused this seller account's credentials: reconnect it.")
    except RateLimitWait as wait:
        result.problem = _(
            "Amazon's rate limit allows the next call in %(s)d seconds; try again then."
        ) % {"s": max(1, round(wait.seconds))}
    except AmazonError as error:
        result.problem = _("Amazon answered: %(message)s") % {"message": error.message}
    return result


def _review_worth_asking(order: Order, now: datetime) -> bool:
    if review_requests_sent(order):
        return False
    window = review_window(order)
    return window is None or window[0] <= now <= window[1]


# --- Review request: available or why not -----------------------------------------------------


@dataclass(frozen=True)
class ReviewState:
    available: bool
    reason: str = ""  # requested, not_yet, closed, not_shipped, not_offered, unknown
    opens: datetime | None = None
    closes: datetime | None = None
    request: ReviewRequest | None = None
    problem: str = ""  # why Amazon could not be asked (reason "unknown")

    @property
    def message(self) -> str:
        """Why a review request cannot be sent now, in words for the agent."""
        dates = {
            name: date_format(timezone.localtime(value), "DATE_FORMAT") if value else ""
            for name, value in (("opens", self.opens), ("closes", self.closes))
        }
        if self.reason == "requested":
            when = timezone.localtime(self.request.sent_at or self.request.created_at)
            return _("A review request was already sent for this order on %(when)s.") % {
                "when": date_format(when, "DATE_FORMAT")
            }
        if self.reason == "not_yet":
            return (
                _(
                    "Amazon accepts review requests from %(opens)s to %(closes)s "
                    "(5 to 30 days after delivery); it is too early."
                )
                % dates
            )
        if self.reason == "closed":
            return (
                _(
                    "Amazon accepted review requests from %(opens)s to %(closes)s "
                    "(5 to 30 days after delivery); that window has closed."
                )
                % dates
            )
        if self.reason == "not_shipped":
            return _("This order was cancelled or cannot be fulfilled: no review request.")
        if self.reason == "not_offered":
            return _(
                "Amazon does not offer a review request for this order now (it may have been "
                "requested in Seller Central already)."
            )
        if self.reason == "unknown":
            return self.problem or _("Amazon could not be asked about this order.")
        return ""


def review_state(order: Order, result: Offer, now: datetime | None = None) -> ReviewState:
    """Whether a review request can be sent now, and if not, why (for the UI to say)."""
    now = now or timezone.now()
    request = (
        ReviewRequest.objects.filter(order=order, state__in=MAYBE_SENT)
        .order_by("-created_at")
        .first()
    )
    window = review_window(order)
    opens, closes = window if window else (None, None)
    if request is not None:
        return ReviewState(False, "requested", opens, closes, request)
    if order.status in (OrderStatus.CANCELED, OrderStatus.UNFULFILLABLE):
        return ReviewState(False, "not_shipped", opens, closes)
    if window is not None and now < window[0]:
        return ReviewState(False, "not_yet", opens, closes)
    if window is not None and now > window[1]:
        return ReviewState(False, "closed", opens, closes)
    if result.problem or result.review_offered is None:
        return ReviewState(False, "unknown", opens, closes, problem=result.problem)
    if not result.review_offered:
        return ReviewState(False, "not_offered", opens, closes)
    return ReviewState(True, "", opens, closes)


# --- Sending ----------------------------------------------------------------------------------


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def send_message(
    order: Order,
    actor: User,
    message_type: str,
    text: str,
    key: str,
    *,
    on_sent: Callable[[ProactiveMessage], None] | None = None,
) -> ProactiveMessage:
    """Send one proactive message of `message_type` for `order`, at most once.

    The caller has checked the text (compliance, length) and that Amazon offers the type.
    `key` is the form's idempotency key: sending again with a key already used returns what
    that send did (a double click is one message). `on_sent` runs in the transaction that marks
    the message sent (store it in the thread there). Raises ProactiveRefused when nothing was
    sent, with Amazon's words when Amazon refused.
    """
    spec = MESSAGE_TYPES.get(message_type)
    if spec is None or not spec.text_limit:
        raise ProactiveRefused(_("This message type cannot be sent from here."))
    record, created = _claim(
        ProactiveMessage,
        {"idempotency_key": key},
        _("This message was already sent for this order; it is not sent twice."),
        seller_account_id=order.seller_account_id,
        order=order,
        message_type=message_type,
        text=text,
        text_sha256=text_digest(text),
        idempotency_key=key,
        requested_by=actor,
    )
    if not created:
        return _already(record)

    def call(client) -> None:
        body = {"text": text}
        client.send_message(order.amazon_order_id, order.marketplace_id, message_type, body)

    _deliver(record, order, actor, call, on_sent)
    return record


def request_review(order: Order, actor: User) -> ReviewRequest:
    """Ask Amazon to send its review and seller-feedback request for `order`: once per order,
    inside Amazon's window, when Amazon offers it. Raises ProactiveRefused otherwise."""
    state = review_state(order, offer(order))
    if not state.available:
        raise ProactiveRefused(state.message, record=state.request)
    record, _created = _claim(
        ReviewRequest,
        None,
        _("A review request was already sent for this order."),
        seller_account_id=order.seller_account_id,
        order=order,
        requested_by=actor,
    )
    _deliver(
        record,
        order,
        actor,
        lambda client: client.request_review(order.amazon_order_id, order.marketplace_id),
        None,
    )
    return record


def _claim(model, same_key: dict | None, duplicate: str, **fields):
    """Insert the row that stands for this send (state sending): (row, True). A row with the
    same key already there: (that row, False). Anything else that may have reached the buyer
    already: ProactiveRefused(`duplicate`)."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields), True
    except IntegrityError:
        pass
    earlier = model.objects.filter(**same_key).first() if same_key else None
    if earlier is not None:
        return earlier, False
    existing = model.objects.filter(order=fields["order"], state__in=MAYBE_SENT).first()
    raise ProactiveRefused(duplicate, record=existing)


def _already(record):
    """The outcome of an earlier send with the same key (a double click or a retry)."""
    if record.state == SendState.SENT:
        return record
    if record.state == SendState.SENDING:
        raise ProactiveRefused(_("This is being sent right now."), record=record)
    raise ProactiveRefused(record.error, record=record)


# Audit actions per outcome (labels in accounts.audit.ACTION_LABELS).
AUDIT_ACTIONS = {
    ProactiveMessage: {
        SendState.SENT: "order.proactive_message_sent",
        SendState.FAILED: "order.proactive_message_failed",
        SendState.UNCERTAIN: "order.proactive_message_uncertain",
    },
    ReviewRequest: {
        SendState.SENT: "order.review_requested",
        SendState.FAILED: "order.review_request_failed",
        SendState.UNCERTAIN: "order.review_request_uncertain",
    },
}


def _deliver(record, order: Order, actor: User, call, on_sent) -> None:
    """Call Amazon outside any transaction; then mark the row sent (with `on_sent`) or not."""
    data = {"order": order.amazon_order_id}
    if isinstance(record, ProactiveMessage):
        data["type"] = record.message_type
    try:
        call(client_for(order.seller_account, max_wait=MAX_WAIT_SECONDS))
    except (AmazonError, RateLimitWait, AccountNeedsReauthorisation) as error:
        if isinstance(error, NeedsReauthorisation):
            mark_needs_reauthorisation(order.seller_account_id, error.message)
        uncertain = isinstance(error, AmazonUnavailable)
        message = _uncertain(_explain(error)) if uncertain else _explain(error)
        state = SendState.UNCERTAIN if uncertain else SendState.FAILED
        with transaction.atomic():
            type(record).objects.filter(pk=record.pk).update(state=state, error=message[:2000])
            audit.record(
                actor,
                AUDIT_ACTIONS[type(record)][state],
                seller_account=order.seller_account_id,
                target=record,
                data={**data, "error": message[:200]},
            )
        forget_offer(order)
        raise ProactiveRefused(message, record=record) from error
    with transaction.atomic():
        record.state, record.sent_at = SendState.SENT, timezone.now()
        record.save(update_fields=["state", "sent_at"])
        audit.record(
            actor,
            AUDIT_ACTIONS[type(record)][SendState.SENT],
            seller_account=order.seller_account_id,
            target=record,
            data=data,
        )
        if on_sent is not None:
            on_sent(record)
    forget_offer(order)


def _uncertain(error: str) -> str:
    return _(
        "Amazon did not answer clearly (%(error)s). It may have reached the buyer, so it is not "
        "sent again; check the order in Seller Central."
    ) % {"error": error}


def _explain(error: Exception) -> str:
    """Amazon's own words, with its error code."""
    if isinstance(error, RateLimitWait):
        return _("Amazon's rate limit allows the next call in %(s)d seconds; try again then.") % {
            "s": max(1, round(error.seconds))
        }
    if isinstance(error, AccountNeedsReauthorisation | NeedsReauthorisation):
        return _("Amazon refused this seller account's credentials: reconnect it.")
    if isinstance(error, AmazonUnavailable):
        return error.message
    assert isinstance(error, AmazonError)
    said = f"{error.code}: {error.message}" if error.code else error.message
    return _("Amazon refused: %(error)s") % {"error": said}
