"""Every URL pattern of the project, and how the access sweep calls it.

tests/test_access_sweep.py walks the whole URLconf and fails for any pattern missing here, so
a new view cannot ship without its access check. To register a URL, add its full name
("namespace:name") to ROUTES below with one of:

    public("why anyone may open it", methods=("GET",))
        No sign-in needed (sign-in page, health check, invitation link).
    personal("why it shows only the signed-in person's own things", methods=("GET",))
        Signed in, but about the person, not one seller's data (home, own two-factor settings,
        lists that show only what the person may see). Another seller's sub-user may open it,
        and the sweep checks the response shows nothing of the team's seller.
    seller(get=Action.VIEW, post=Action.REPLY, kwargs=lambda o: {"pk": o.thread.pk})
        Names seller data in its URL. The sweep expects, for each method given:
        another seller's sub-user: 404; a member whose role lacks the action: 403; a member
        whose role has it: neither (and no server error). A POST (a write) needs an action
        above VIEW, so a read-only member always gets 403.

`kwargs` (and optional `query`, a dict of GET parameters) build the URL's arguments from
`SweepObjects` below, which creates the team's seller data lazily: use what is there (thread,
message, attachment, order, mailbox, tag, reply_template, member, invitation, audit_event)
or add a cached_property for a new kind of object. Everything belongs to `team.account`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.files.base import ContentFile

from accounts import services as account_services
from accounts.models import Invitation, Membership, Role
from accounts.scoping import Action
from tests.conftest import Team
from tests.factories import (
    MailboxFactory,
    MembershipFactory,
    MessageFactory,
    OrderFactory,
    TagFactory,
    ThreadFactory,
)

PUBLIC, PERSONAL, SELLER = "public", "personal", "seller"
# Strings the seller's data carries; none may appear in a page another seller's member sees.
CANARIES = ("Sunny Kitchen GmbH", "Canary Buyer Quartz", "canary-subject-7f3q")


@dataclass(frozen=True)
class Route:
    kind: str
    reason: str = ""
    methods: tuple[str, ...] = ("GET",)
    actions: dict[str, str] = field(default_factory=dict)  # method -> Action, for SELLER
    kwargs: Callable[["SweepObjects"], dict[str, Any]] = lambda o: {}
    query: Callable[["SweepObjects"], dict[str, Any]] = lambda o: {}


def public(reason: str, methods: tuple[str, ...] = ("GET",), **extra: Any) -> Route:
    return Route(PUBLIC, reason, methods, **extra)


def personal(reason: str, methods: tuple[str, ...] = ("GET",), **extra: Any) -> Route:
    return Route(PERSONAL, reason, methods, **extra)


def seller(*, get: str | None = None, post: str | None = None, **extra: Any) -> Route:
    actions = {method: action for method, action in (("GET", get), ("POST", post)) if action}
    return Route(SELLER, "", tuple(actions), actions, **extra)


class SweepObjects:
    """Seller data of `team.account`, created on first use."""

    def __init__(self, team: Team, media_root: str) -> None:
        self.team = team
        self.media_root = media_root

    @cached_property
    def admin(self):
        return MembershipFactory(seller_account=self.team.account, role=Role.ADMIN).user

    @cached_property
    def member(self) -> Membership:
        """An agent the sweep may edit and deactivate (not one of the personas)."""
        return MembershipFactory(seller_account=self.team.account, role=Role.AGENT)

    @cached_property
    def invitation(self) -> Invitation:
        return account_services.invite(
            self.team.owner, self.team.account, email="canary-invitee@team.example", role="agent"
        )

    @cached_property
    def order(self):
        return OrderFactory(seller_account=self.team.account, buyer_name="Canary Buyer Quartz")

    @cached_property
    def thread(self):
        return ThreadFactory(
            seller_account=self.team.account,
            buyer_name="Canary Buyer Quartz",
            subject="canary-subject-7f3q",
            order=self.order,
            amazon_order_id=self.order.amazon_order_id,
            assignee=self.team.agent,
        )

    @cached_property
    def message(self):
        return MessageFactory(thread=self.thread, subject="canary-subject-7f3q")

    @cached_property
    def attachment(self):
        from messaging.models import Attachment

        body = b"%PDF-1.4 canary invoice"
        attachment = Attachment(
            message=self.message,
            filename="invoice.pdf",
            size=len(body),
            content_type="application/pdf",
            sha256="c" * 64,
        )
        attachment.file.save("invoice.pdf", ContentFile(body), save=True)
        return attachment

    @cached_property
    def nrn_reminder(self):
        from django.utils import timezone

        from messaging.metrics.models import SellerCentralNrn

        return SellerCentralNrn.objects.create(
            thread=self.thread,
            seller_account=self.team.account,
            marketplace_id=self.thread.marketplace_id or "",
            marked_at=timezone.now(),
            newest_received_at=timezone.now(),
        )

    @cached_property
    def mailbox(self):
        return MailboxFactory(seller_account=self.team.account)

    @cached_property
    def mailbox_sync(self):
        from messaging.models import MailboxSync

        return MailboxSync.objects.create(mailbox=self.mailbox)

    @cached_property
    def quarantined_mail(self):
        from messaging.models import QuarantinedMail

        item = QuarantinedMail(
            mailbox=self.mailbox, sha256="0" * 64, size=9, error="canary-subject-7f3q"
        )
        item.raw.save("canary.eml", ContentFile(b"Subject: x"), save=False)
        item.save()
        return item

    @cached_property
    def failed_reply(self):
        """An outbound reply that failed to send (retry and confirm-sent act on these)."""
        return MessageFactory(
            thread=self.thread,
            direction="out",
            outgoing_state="failed",
            subject="canary-subject-7f3q",
        )

    @cached_property
    def tag(self):
        return TagFactory(seller_account=self.team.account)

    @cached_property
    def reply_template(self):
        return self.fresh_reply_template()

    def fresh_reply_template(self):
        """A new template each call: the delete route removes the one it is given."""
        from messaging.models import ReplyTemplate

        self.templates_made = getattr(self, "templates_made", 0) + 1
        return ReplyTemplate.objects.create(
            seller_account=self.team.account,
            name=f"Canary {self.templates_made}",
            language="en",
            body="Hello",
        )

    @cached_property
    def audit_event(self):
        from accounts.models import AuditEvent

        return AuditEvent.objects.filter(seller_account=self.team.account).first()


def _account(o: SweepObjects) -> dict:
    return {"account_id": o.team.account.pk}


def _account_query(o: SweepObjects) -> dict:
    return {"account": o.team.account.pk}


def _thread(o: SweepObjects) -> dict:
    return {"pk": o.thread.pk}


def _order(o: SweepObjects) -> dict:
    return {"order_id": o.order.pk}


def _member(o: SweepObjects) -> dict:
    return {"account_id": o.team.account.pk, "membership_id": o.member.pk}


def _invitation(o: SweepObjects) -> dict:
    return {"account_id": o.team.account.pk, "invitation_id": o.invitation.pk}


ROUTES: dict[str, Route] = {
    # Project wiring
    "home": personal("lists only the seller accounts the person belongs to"),
    "healthz": public("load balancers' health check; shows no data"),
    "login": public("the sign-in page", methods=("GET", "POST")),
    "logout": public("signing out", methods=("POST",)),
    "set_language": public("Django's language switch", methods=("POST",)),
    # accounts: signing in, invitations, own security
    "accounts:two_factor_verify": public(
        "second sign-in step; needs a correct password in this session", methods=("GET", "POST")
    ),
    "accounts:accept_invitation": public(
        "the signed invitation link is the credential",
        methods=("GET", "POST"),
        kwargs=lambda o: {"token": account_services.invitation_token(o.invitation)},
    ),
    "accounts:security": personal("the person's own two-factor settings"),
    "accounts:authenticator_start": personal("own two-factor set-up", methods=("POST",)),
    "accounts:authenticator_confirm": personal("own two-factor set-up", methods=("POST",)),
    "accounts:recovery_codes_replace": personal("own recovery codes", methods=("POST",)),
    "accounts:second_factor_remove": personal("own two-factor settings", methods=("POST",)),
    # accounts: audit log (owners)
    "accounts:audit_log": seller(get=Action.OWN, kwargs=_account),
    "accounts:audit_export": seller(get=Action.OWN, kwargs=_account),
    # team
    "orders:connection": seller(get=Action.MANAGE, post=Action.MANAGE, kwargs=_account),
    "orders:test_connection": seller(post=Action.MANAGE, kwargs=_account),
    "orders:order_panel": seller(get=Action.VIEW, kwargs=lambda o: {"order_id": o.order.pk}),
    "messaging:dashboard": seller(get=Action.VIEW, query=_account_query),
    "messaging:dashboard_figures_csv": seller(get=Action.VIEW, query=_account_query),
    "messaging:dashboard_messages_csv": seller(get=Action.VIEW, query=_account_query),
    "messaging:dashboard_alerts": personal(
        "the person's own email choices; a save names an account checked by scoping.require",
        methods=("GET", "POST"),
    ),
    "messaging:dashboard_nrn_done": seller(
        post=Action.REPLY, kwargs=lambda o: {"reminder_id": o.nrn_reminder.pk}
    ),
    "messaging:mailbox_list": personal("lists only mailboxes of accounts the person manages"),
    "messaging:quarantine_list": personal("lists only mail of accounts the person manages"),
    "messaging:notice_list": personal("lists only notices of the person's own accounts"),
    "messaging:mailbox_create": seller(get=Action.MANAGE, post=Action.MANAGE, kwargs=_account),
    "messaging:mailbox_edit": seller(
        get=Action.MANAGE, post=Action.MANAGE, kwargs=lambda o: {"pk": o.mailbox.pk}
    ),
    "messaging:mailbox_sync": seller(post=Action.MANAGE, kwargs=lambda o: {"pk": o.mailbox.pk}),
    "messaging:sync_progress": seller(
        get=Action.MANAGE, kwargs=lambda o: {"pk": o.mailbox_sync.pk}
    ),
    "messaging:quarantine_raw": seller(
        get=Action.MANAGE, kwargs=lambda o: {"pk": o.quarantined_mail.pk}
    ),
    "messaging:quarantine_retry": seller(
        post=Action.MANAGE, kwargs=lambda o: {"pk": o.quarantined_mail.pk}
    ),
    "status": personal("the person's own seller accounts and the system status"),
    "messaging:thread": seller(get=Action.VIEW, kwargs=_thread),
    "messaging:inbox_updates": personal("counts and rows of threads the person may see"),
    "messaging:bulk": personal("acts only on the threads the person may answer", methods=("POST",)),
    "messaging:reply": seller(post=Action.REPLY, kwargs=_thread),
    "messaging:draft": seller(post=Action.REPLY, kwargs=_thread),
    "messaging:check_reply": seller(post=Action.REPLY, kwargs=_thread),
    "messaging:order_messages": seller(get=Action.VIEW, kwargs=_order),
    "messaging:proactive_send": seller(post=Action.REPLY, kwargs=_order),
    "messaging:proactive_check": seller(post=Action.REPLY, kwargs=_order),
    "messaging:review_request": seller(post=Action.REPLY, kwargs=_order),
    "compliance:report": seller(get=Action.MANAGE, query=_account_query),
    "compliance:report_csv": seller(get=Action.MANAGE, query=_account_query),
    "messaging:presence": seller(get=Action.VIEW, kwargs=_thread),
    "messaging:template_picker": seller(get=Action.REPLY, kwargs=_thread),
    "messaging:insert_template": seller(
        post=Action.REPLY,
        kwargs=lambda o: {"pk": o.thread.pk, "template_id": o.reply_template.pk},
    ),
    "messaging:no_response_needed": seller(post=Action.REPLY, kwargs=_thread),
    "messaging:undo_no_response_needed": seller(post=Action.REPLY, kwargs=_thread),
    "messaging:close": seller(post=Action.REPLY, kwargs=_thread),
    "messaging:reopen": seller(post=Action.REPLY, kwargs=_thread),
    "messaging:assign": seller(post=Action.REPLY, kwargs=_thread),
    "messaging:add_tag": seller(post=Action.REPLY, kwargs=_thread),
    "messaging:remove_tag": seller(
        post=Action.REPLY, kwargs=lambda o: {"pk": o.thread.pk, "tag_id": o.tag.pk}
    ),
    "messaging:retry_reply": seller(post=Action.REPLY, kwargs=lambda o: {"pk": o.failed_reply.pk}),
    "messaging:confirm_sent": seller(post=Action.REPLY, kwargs=lambda o: {"pk": o.failed_reply.pk}),
    "messaging:attachment": seller(get=Action.VIEW, kwargs=lambda o: {"pk": o.attachment.pk}),
    "messaging:reply_templates": personal(
        "lists only templates of accounts the person manages", methods=("GET", "POST")
    ),
    "messaging:reply_template": seller(
        get=Action.MANAGE, post=Action.MANAGE, kwargs=lambda o: {"pk": o.reply_template.pk}
    ),
    "messaging:reply_template_delete": seller(
        post=Action.MANAGE, kwargs=lambda o: {"pk": o.fresh_reply_template().pk}
    ),
    "team:index": personal("lists only the teams the person manages"),
    "team:members": seller(get=Action.MANAGE, kwargs=_account),
    "team:invite": seller(post=Action.MANAGE, kwargs=_account),
    "team:two_factor": seller(post=Action.OWN, kwargs=_account),
    "team:member": seller(get=Action.MANAGE, post=Action.MANAGE, kwargs=_member),
    "team:deactivate": seller(post=Action.MANAGE, kwargs=_member),
    "team:reactivate": seller(post=Action.MANAGE, kwargs=_member),
    "team:invitation_resend": seller(post=Action.MANAGE, kwargs=_invitation),
    "team:invitation_revoke": seller(post=Action.MANAGE, kwargs=_invitation),
}
