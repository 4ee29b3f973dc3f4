"""Team changes that reach beyond accounts: each is one transaction across the apps."""

from django.db import transaction

from accounts import services as accounts_services
from accounts.models import Membership, User
from messaging import services as messaging_services


@transaction.atomic
def deactivate_member(actor: User, membership: Membership) -> tuple[Membership, int]:
    """Deactivate the member (their sessions end at once) and put their assigned threads of
    this seller account back in the queue, unassigned. Returns the membership and how many
    threads went back."""
    membership = accounts_services.deactivate_membership(actor, membership)
    returned = messaging_services.return_threads_to_queue(
        membership.seller_account_id, membership.user, actor
    )
    return membership, returned
