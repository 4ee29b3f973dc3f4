"""The audit trail: one call records one thing a person did."""

from django.db.models import Model

from .models import AuditEvent, SellerAccount, User


def record(
    actor: User | None,
    action: str,
    *,
    seller_account: SellerAccount | int | None,
    target: Model | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Record `action` (a dotted name such as "thread.assigned") by `actor` on `target`.

    Call it inside the transaction of the change it describes, so the trail and the change
    commit or roll back together. Never put secrets in `data`.
    """
    account_id = seller_account.pk if isinstance(seller_account, SellerAccount) else seller_account
    return AuditEvent.objects.create(
        seller_account_id=account_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
