"""Queries behind the inbox, the conversation and the composer, all built on accounts.scoping.

Every list is bounded: the inbox pages with a keyset cursor (no OFFSET, no COUNT over
everything), a conversation shows its newest messages up to a limit, pickers return a page.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.postgres.search import SearchQuery
from django.db.models import (
    BooleanField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import date_format

from accounts import scoping
from accounts.models import Marketplace, Membership, SellerAccount, User
from orders.models import Order, OrderItem

from .models import (
    SEARCH_CONFIGS,
    Attachment,
    Direction,
    Mailbox,
    Message,
    ReplyDraft,
    ReplyTemplate,
    Tag,
    Thread,
    ThreadReadState,
    ThreadStatus,
)

PAGE_SIZE = 50
CONVERSATION_LIMIT = 100
RECENT_THREADS = 50  # threads per account looked at for new buyer messages
ORDER_ID_RE = re.compile(r"^\d{3}-\d{7}-\d{7}$")


class View:
    """The inbox's views (the status filter); needs_reply is where an agent starts."""

    NEEDS_REPLY = "needs_reply"
    OVERDUE = "overdue"
    NO_RESPONSE_NEEDED = "no_response_needed"
    REPLIED = "replied"
    CLOSED = "closed"
    ALL = "all"
    UNREAD = "unread"

    CHOICES = (NEEDS_REPLY, OVERDUE, UNREAD, REPLIED, NO_RESPONSE_NEEDED, CLOSED, ALL)
    # Views sorted by time left before the deadline; every other view shows newest first.
    BY_DEADLINE = frozenset({NEEDS_REPLY, OVERDUE})


@dataclass(frozen=True)
class InboxFilter:
    view: str = View.NEEDS_REPLY
    account: int | None = None
    marketplace: str = ""
    tag: int | None = None
    assignee: str = ""  # "", "mine", "unassigned" or a user id
    language: str = ""
    q: str = ""
    after: str = ""  # keyset cursor of the previous page's last row


@dataclass
class InboxPage:
    threads: list[Thread]
    next_cursor: str = ""
    filters: InboxFilter = field(default_factory=InboxFilter)


def visible_threads(user: User, action: str = scoping.Action.VIEW) -> QuerySet[Thread]:
    """Threads `user` may see (or act on), with marketplace and assigned-only limits applied."""
    return scoping.scope(
        Thread.objects.all(),
        user,
        action,
        marketplace_field="marketplace",
        assignee_field="assignee",
    )


def thread_for_user(user: User, pk: int, action: str = scoping.Action.VIEW) -> Thread:
    """The thread, with what its header needs; 404 for outsiders, 403 when `action` is denied."""
    return scoping.get_for_user(
        Thread.objects.select_related("seller_account", "marketplace", "assignee", "order"),
        user,
        action,
        marketplace_field="marketplace",
        assignee_field="assignee",
        pk=pk,
    )


def _unread_expression(user: User) -> Exists:
    # Unread for `user`: a buyer message stored after they last opened the thread (or never).
    seen = ThreadReadState.objects.filter(
        user=user, thread=OuterRef("thread_id"), read_at__gte=OuterRef("created_at")
    )
    return Exists(
        Message.objects.filter(thread=OuterRef("pk"), direction=Direction.INBOUND).filter(
            ~Exists(seen)
        )
    )


def _search(queryset: QuerySet[Thread], text: str, languages: list[str]) -> QuerySet[Thread]:
    text = text.strip()
    if ORDER_ID_RE.match(text):
        return queryset.filter(amazon_order_id=text)
    if "@" in text:
        return queryset.filter(buyer_alias=text.lower())
    words = re.findall(r"\w+", text)
    if not words:
        return queryset
    # Buyer names and aliases match by word prefix ("jan" finds "Jane"), unstemmed.
    prefix = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="simple")
    configs = sorted({SEARCH_CONFIGS.get(code[:2].lower(), "simple") for code in languages})
    configs = configs or ["simple"]
    message_query = SearchQuery(text, search_type="websearch", config=configs[0])
    for config in configs[1:]:
        message_query |= SearchQuery(text, search_type="websearch", config=config)
    matching_messages = Message.objects.filter(search_vector=message_query).values("thread_id")
    return queryset.filter(Q(search_document=prefix) | Q(pk__in=matching_messages))


def _cursor_value(thread: Thread, by_deadline: bool) -> str:
    value = thread.response_deadline if by_deadline else thread.last_activity_at
    stamp = value.isoformat() if value is not None else "-"
    return f"{stamp}~{thread.pk}"


def _parse_cursor(cursor: str) -> tuple[datetime | None, int] | None:
    stamp, _, pk = cursor.partition("~")
    try:
        return (None if stamp == "-" else datetime.fromisoformat(stamp)), int(pk)
    except ValueError:
        return None


def _keyset(queryset: QuerySet[Thread], by_deadline: bool, cursor: str) -> list[QuerySet[Thread]]:
    """The querysets to read in turn for one page (a second one only for the no-deadline tail)."""
    table = Thread._meta.db_table
    if by_deadline:
        ordered = queryset.order_by("response_deadline", "id")
        parsed = _parse_cursor(cursor) if cursor else None
        if parsed is None:
            return [
                ordered.filter(response_deadline__isnull=False),
                ordered.filter(response_deadline__isnull=True),
            ]
        stamp, pk = parsed
        if stamp is None:
            return [ordered.filter(response_deadline__isnull=True, id__gt=pk)]
        after = RawSQL(  # noqa: S611 - constant SQL, values passed as parameters
            f'("{table}"."response_deadline", "{table}"."id") > (%s, %s)',
            (stamp, pk),
            output_field=BooleanField(),
        )
        return [ordered.filter(after), ordered.filter(response_deadline__isnull=True)]
    ordered = queryset.order_by("-last_activity_at", "-id")
    parsed = _parse_cursor(cursor) if cursor else None
    if parsed is None or parsed[0] is None:
        return [ordered]
    before = RawSQL(  # noqa: S611 - constant SQL, values passed as parameters
        f'("{table}"."last_activity_at", "{table}"."id") < (%s, %s)',
        parsed,
        output_field=BooleanField(),
    )
    return [ordered.filter(before)]


def filtered_threads(user: User, filters: InboxFilter, now: datetime) -> QuerySet[Thread]:
    """Threads matching the filters, unordered (the inbox page orders and pages them)."""
    threads = visible_threads(user)
    view = filters.view
    if view in (View.NEEDS_REPLY, View.OVERDUE):
        threads = threads.filter(status=ThreadStatus.NEEDS_REPLY)
        if view == View.OVERDUE:
            threads = threads.filter(response_deadline__lt=now)
    elif view in (View.NO_RESPONSE_NEEDED, View.REPLIED, View.CLOSED):
        threads = threads.filter(status=view)
    elif view == View.UNREAD:
        threads = threads.filter(_unread_expression(user))
    if filters.account:
        threads = threads.filter(seller_account_id=filters.account)
    if filters.marketplace:
        threads = threads.filter(marketplace_id=filters.marketplace)
    if filters.tag:
        threads = threads.filter(tags=filters.tag)
    if filters.assignee == "mine":
        threads = threads.filter(assignee=user)
    elif filters.assignee == "unassigned":
        threads = threads.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        threads = threads.filter(assignee_id=int(filters.assignee))
    if filters.language:
        threads = threads.filter(language__istartswith=filters.language)
    if filters.q:
        languages = [filters.language] if filters.language else _languages(user)
        threads = _search(threads, filters.q, languages)
    return threads


def inbox_page(
    user: User, filters: InboxFilter, now: datetime | None = None, size: int = PAGE_SIZE
) -> InboxPage:
    """One page of the inbox: at most `size` threads and the cursor of the next page."""
    now = now or timezone.now()
    by_deadline = filters.view in View.BY_DEADLINE
    base = (
        filtered_threads(user, filters, now)
        .select_related("assignee", "marketplace", "seller_account")
        .annotate(is_unread=_unread_expression(user))
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .defer("search_document", "subject")
    )
    threads: list[Thread] = []
    for part in _keyset(base, by_deadline, filters.after):
        threads.extend(part[: size + 1 - len(threads)])
        if len(threads) > size:
            break
    next_cursor = ""
    if len(threads) > size:
        threads = threads[:size]
        next_cursor = _cursor_value(threads[-1], by_deadline)
    return InboxPage(threads=threads, next_cursor=next_cursor, filters=filters)


def needs_reply_count(user: User) -> int:
    """Threads waiting for a reply in the user's scope (index-only count of a small set)."""
    return visible_threads(user).filter(status=ThreadStatus.NEEDS_REPLY).count()


def latest_buyer_messages(user: User, after_id: int, limit: int = 5) -> list[Message]:
    """Buyer messages newer than `after_id` in the user's scope, newest first.

    Only inbound messages of buyer threads: Amazon's own system notices are not threads and
    never appear here. A new buyer message moves its thread to the top of the activity order,
    so only each account's most recently active threads are searched (one small query per
    account, on the inbox's own index): message ids are global, and walking them backwards
    would cross every other seller's newer mail.
    """
    thread_ids: list[int] = []
    for account_id in scoping.account_ids(user):
        thread_ids += list(
            visible_threads(user)
            .filter(seller_account_id=account_id)
            .order_by("-last_activity_at", "-id")
            .values_list("id", flat=True)[:RECENT_THREADS]
        )
    if not thread_ids:
        return []
    return list(
        Message.objects.filter(
            direction=Direction.INBOUND, id__gt=after_id, thread_id__in=thread_ids
        )
        .select_related("thread")
        .only(
            "id", "text", "occurred_at", "thread__id", "thread__buyer_name", "thread__buyer_alias"
        )
        # NULLS LAST does not match the primary key's order, which keeps the planner on the
        # thread index instead of walking message ids backwards across other sellers' mail.
        .order_by(F("id").desc(nulls_last=True))[:limit]
    )


def latest_buyer_message_id(user: User) -> int:
    newest = latest_buyer_messages(user, 0, limit=1)
    return newest[0].pk if newest else 0


def conversation(thread: Thread, limit: int = CONVERSATION_LIMIT) -> tuple[list[Message], bool]:
    """The thread's newest `limit` messages in time order, and whether older ones exist."""
    newest = list(
        thread.messages.select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .defer("search_vector", "references")
        .order_by("-occurred_at", "-id")[: limit + 1]
    )
    has_older = len(newest) > limit
    return list(reversed(newest[:limit])), has_older


def order_for_panel(thread: Thread) -> Order | None:
    """The thread's order with its items prefetched (one query for the items), or None."""
    order = thread.order
    if order is not None:
        prefetch_related_objects(
            [order], Prefetch("items", queryset=OrderItem.objects.order_by("id"))
        )
    return order


def draft_for(thread: Thread, user: User) -> str:
    draft = ReplyDraft.objects.filter(thread=thread, user=user).only("body").first()
    return draft.body if draft else ""


def reply_mailbox(thread: Thread) -> Mailbox | None:
    """The mailbox a reply leaves through: the one the buyer's last message came in on, else
    the seller account's first enabled mailbox."""
    last = (
        thread.messages.filter(direction=Direction.INBOUND, mailbox__isnull=False)
        .order_by("-occurred_at", "-id")
        .select_related("mailbox")
        .first()
    )
    if last is not None and last.mailbox.enabled:
        return last.mailbox
    return (
        Mailbox.objects.filter(seller_account_id=thread.seller_account_id, enabled=True)
        .order_by("id")
        .first()
    )


def reply_templates(
    user: User, thread: Thread, query: str = "", limit: int = 20
) -> list[ReplyTemplate]:
    """Templates of the thread's seller account, the thread's language first, searchable."""
    templates = ReplyTemplate.objects.filter(seller_account_id=thread.seller_account_id)
    if not scoping.can(user, thread.seller_account_id, scoping.Action.VIEW):
        return []
    query = query.strip()
    if query:
        templates = templates.filter(Q(name__icontains=query) | Q(body__icontains=query))
    language = (thread.language or "")[:2]
    found = list(templates.order_by("name", "language")[:limit])
    return sorted(found, key=lambda t: (t.language[:2] != language, t.name.lower()))


def manageable_templates(user: User) -> QuerySet[ReplyTemplate]:
    return scoping.scope(
        ReplyTemplate.objects.select_related("seller_account"), user, scoping.Action.MANAGE
    ).order_by("seller_account__name", "name", "language")


def template_for_user(user: User, pk: int, action: str = scoping.Action.VIEW) -> ReplyTemplate:
    return scoping.get_for_user(ReplyTemplate.objects.all(), user, action, pk=pk)


def attachment_for_user(user: User, pk: int) -> Attachment:
    return scoping.get_for_user(
        Attachment.objects.select_related("message"),
        user,
        account_field="message__thread__seller_account",
        marketplace_field="message__thread__marketplace",
        assignee_field="message__thread__assignee",
        pk=pk,
    )


def message_for_user(user: User, pk: int, action: str = scoping.Action.VIEW) -> Message:
    return scoping.get_for_user(
        Message.objects.select_related("thread"),
        user,
        action,
        account_field="thread__seller_account",
        marketplace_field="thread__marketplace",
        assignee_field="thread__assignee",
        pk=pk,
    )


@dataclass
class InboxChoices:
    accounts: list[SellerAccount]
    marketplaces: list[Marketplace]
    tags: list[Tag]
    members: list[User]
    languages: list[str]


def _languages(user: User) -> list[str]:
    codes = Marketplace.objects.filter(seller_accounts__in=scoping.account_ids(user)).values_list(
        "default_language", flat=True
    )
    return sorted({code[:2].lower() for code in codes if code} | {"en"})


def inbox_choices(user: User) -> InboxChoices:
    """What the filter bar offers: the user's accounts, their marketplaces, tags and members."""
    ids = scoping.account_ids(user)
    accounts = list(SellerAccount.objects.filter(pk__in=ids).prefetch_related("marketplaces"))
    marketplaces = sorted(
        {m for account in accounts for m in account.marketplaces.all()},
        key=lambda m: m.country_code,
    )
    tags = list(Tag.objects.filter(seller_account_id__in=ids).order_by("name"))
    members = list(
        User.objects.filter(
            pk__in=Membership.objects.filter(
                seller_account_id__in=ids,
                is_active=True,
                role__in=[
                    r
                    for r, actions in scoping.ROLE_ACTIONS.items()
                    if scoping.Action.REPLY in actions
                ],
            ).values("user_id"),
            is_active=True,
        ).order_by("name", "email")
    )
    languages = sorted({(m.default_language or "")[:2].lower() for m in marketplaces} - {""})
    return InboxChoices(accounts, marketplaces, tags, members, languages)


def assignable_members(thread: Thread) -> list[User]:
    """Members of the thread's seller account who may answer buyers (assignment targets)."""
    roles = [r for r, actions in scoping.ROLE_ACTIONS.items() if scoping.Action.REPLY in actions]
    return list(
        User.objects.filter(
            memberships__seller_account_id=thread.seller_account_id,
            memberships__is_active=True,
            memberships__role__in=roles,
            is_active=True,
        ).order_by("name", "email")
    )


def placeholder_values(thread: Thread, agent: User) -> dict[str, str]:
    """What a reply template's placeholders are filled with, from the thread and its order."""
    order = thread.order
    items = list(order.items.order_by("id")[:1]) if order is not None else []
    marketplace = thread.marketplace
    ship = order and (order.shipped_at or order.latest_ship_date)
    delivery = order and (order.delivered_at or order.latest_delivery_date)
    return {
        "buyer_name": thread.buyer_name or (order.buyer_name if order else ""),
        "order_id": thread.amazon_order_id,
        "item_title": items[0].title if items else "",
        "marketplace": marketplace_label(marketplace),
        "agent_name": agent.get_full_name() if agent.name else "",
        "seller_name": thread.seller_account.name,
        "ship_date": date_format(ship, "DATE_FORMAT") if ship else "",
        "delivery_date": date_format(delivery, "DATE_FORMAT") if delivery else "",
    }


def marketplace_label(marketplace: Marketplace | None) -> str:
    """ "Amazon.de" for the German marketplace; its name where the domain is unknown."""
    if marketplace is None:
        return ""
    domain = marketplace.alias_domain.partition("amazon.")[2]
    return f"Amazon.{domain}" if domain else marketplace.name
