"""Queries for the mailbox, quarantine and notices pages, built on accounts.scoping."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accounts import scoping
from accounts.models import SellerAccount, User

from ..models import Mailbox, MailboxSync, NoticeKind, QuarantinedMail, SystemNotice

MANAGE = scoping.Action.MANAGE


def manageable_accounts(user: User) -> QuerySet[SellerAccount]:
    return scoping.seller_accounts(user, MANAGE).order_by("name")


def mailboxes(user: User) -> list[Mailbox]:
    """Mailboxes the user may manage, each with `latest_sync` and `quarantine_count`."""
    rows = list(
        scoping.scope(Mailbox.objects.all(), user, MANAGE)
        .select_related("seller_account")
        .annotate(
            quarantine_count=Count("quarantine", filter=Q(quarantine__resolved_at__isnull=True))
        )
        .order_by("seller_account__name", "name")
    )
    latest = {
        sync.mailbox_id: sync
        for sync in MailboxSync.objects.filter(mailbox__in=rows)
        .order_by("mailbox_id", "-created_at")
        .distinct("mailbox_id")
    }
    for mailbox in rows:
        mailbox.latest_sync = latest.get(mailbox.pk)
    return rows


def mailbox(user: User, pk: int, action: str = MANAGE) -> Mailbox:
    return scoping.get_for_user(
        Mailbox.objects.select_related("seller_account"), user, action, pk=pk
    )


def mailbox_sync(user: User, pk: int) -> MailboxSync:
    return scoping.get_for_user(
        MailboxSync.objects.select_related("mailbox"),
        user,
        MANAGE,
        account_field="mailbox__seller_account",
        pk=pk,
    )


def quarantine(user: User) -> QuerySet[QuarantinedMail]:
    return (
        scoping.scope(
            QuarantinedMail.objects.all(), user, MANAGE, account_field="mailbox__seller_account"
        )
        .filter(resolved_at__isnull=True)
        .select_related("mailbox__seller_account")
        .order_by("-created_at")
    )


def quarantined_mail(user: User, pk: int, action: str = MANAGE) -> QuarantinedMail:
    return scoping.get_for_user(
        QuarantinedMail.objects.select_related("mailbox"),
        user,
        action,
        account_field="mailbox__seller_account",
        pk=pk,
    )


def notices(user: User, kind: str = "") -> QuerySet[SystemNotice]:
    rows = scoping.scope(SystemNotice.objects.all(), user, scoping.Action.VIEW)
    if kind in NoticeKind.values:
        rows = rows.filter(kind=kind)
    return rows.select_related("seller_account", "rejected_message__thread").order_by(
        "-received_at", "-id"
    )
