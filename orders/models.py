"""Orders mirrored from the SP-API Orders API, enough for the order panel beside a thread."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Marketplace, SellerAccount


class OrderStatus(models.TextChoices):
    PENDING = "Pending", _("Pending")
    UNSHIPPED = "Unshipped", _("Unshipped")
    PARTIALLY_SHIPPED = "PartiallyShipped", _("Partially shipped")
    SHIPPED = "Shipped", _("Shipped")
    DELIVERED = "Delivered", _("Delivered")
    CANCELED = "Canceled", _("Cancelled")
    UNFULFILLABLE = "Unfulfillable", _("Unfulfillable")
    INVOICE_UNCONFIRMED = "InvoiceUnconfirmed", _("Invoice unconfirmed")
    PENDING_AVAILABILITY = "PendingAvailability", _("Pending availability")


class FulfillmentChannel(models.TextChoices):
    AMAZON = "AFN", _("Fulfilled by Amazon")
    MERCHANT = "MFN", _("Fulfilled by the seller")


class Order(models.Model):
    """One Amazon order of a seller account.

    Buyer personal data (name, shipping address) is kept only for the order panel and purged
    30 days after delivery, as Amazon's Data Protection Policy requires.
    """

    seller_account = models.ForeignKey(
        SellerAccount, on_delete=models.CASCADE, related_name="orders"
    )
    amazon_order_id = models.CharField(max_length=32)
    marketplace = models.ForeignKey(
        Marketplace, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=24, choices=OrderStatus.choices)
    fulfillment_channel = models.CharField(
        max_length=3, choices=FulfillmentChannel.choices, blank=True
    )
    purchased_at = models.DateTimeField(null=True, blank=True)
    amazon_updated_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    latest_ship_date = models.DateTimeField(null=True, blank=True)
    earliest_delivery_date = models.DateTimeField(null=True, blank=True)
    latest_delivery_date = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    total_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    total_currency = models.CharField(max_length=3, blank=True)
    is_business_order = models.BooleanField(default=False)
    is_prime = models.BooleanField(default=False)
    # Buyer personal data; empty once purged.
    buyer_name = models.CharField(max_length=200, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    pii_purged_at = models.DateTimeField(null=True, blank=True)
    # When we last read this order from Amazon; drives "never fetch again while fresh".
    fetched_at = models.DateTimeField(null=True, blank=True)
    items_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seller_account", "amazon_order_id"], name="order_account_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["amazon_order_id"], name="order_amazon_id_idx"),
            models.Index(
                fields=["seller_account", "-amazon_updated_at"], name="order_account_updated_idx"
            ),
            models.Index(
                fields=["delivered_at"],
                condition=models.Q(pii_purged_at__isnull=True),
                name="order_pii_to_purge_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.amazon_order_id


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    order_item_id = models.CharField(max_length=32)
    asin = models.CharField(max_length=16, blank=True)
    sku = models.CharField(max_length=64, blank=True)
    title = models.TextField(blank=True)
    quantity = models.PositiveIntegerField(default=1)
    quantity_shipped = models.PositiveIntegerField(default=0)
    item_price_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    item_price_currency = models.CharField(max_length=3, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "order_item_id"], name="order_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.title or self.asin}"


class OrderSync(models.Model):
    """How far the incremental order sync of one seller account has got.

    Orders updated up to `synced_until` are mirrored (for those purchased since
    `window_start`); the next run asks Amazon only for what changed after it.
    """

    seller_account = models.OneToOneField(
        SellerAccount, on_delete=models.CASCADE, related_name="order_sync"
    )
    window_start = models.DateTimeField(null=True, blank=True)
    synced_until = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    calls = models.PositiveIntegerField(default=0)  # SP-API calls the syncs have made
    # Where an interrupted pass stopped (filters, pagination token, window); empty when idle.
    resume = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.seller_account} until {self.synced_until}"


class SendState(models.TextChoices):
    """A call to Amazon that must happen at most once: claimed, then sent or not."""

    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Refused by Amazon")  # Amazon said no: nothing was sent
    # No clear answer (timeout, 5xx): it may have reached the buyer; never sent again by itself.
    UNCERTAIN = "uncertain", _("No clear answer from Amazon")


# States that stand for a message or request that may have reached the buyer.
MAYBE_SENT = [SendState.SENDING, SendState.SENT, SendState.UNCERTAIN]


class ProactiveMessage(models.Model):
    """A message the seller starts, through the SP-API Messaging API, for one order.

    `idempotency_key` comes from the form that sent it, so a double click or a retried request
    is one message; the same text of the same type is never sent twice for an order.
    """

    seller_account = models.ForeignKey(
        SellerAccount, on_delete=models.CASCADE, related_name="proactive_messages"
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="proactive_messages")
    message_type = models.CharField(max_length=40)
    text = models.TextField(blank=True)
    text_sha256 = models.CharField(max_length=64)
    idempotency_key = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=SendState.choices, default=SendState.SENDING)
    error = models.TextField(blank=True)  # Amazon's words when it refused or failed
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The outbound message that shows it in the thread (messaging sits above orders: no FK).
    thread_message_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order", "message_type", "text_sha256"],
                condition=models.Q(state__in=MAYBE_SENT),
                name="proactive_message_once",
            ),
        ]
        indexes = [models.Index(fields=["order", "-created_at"], name="proactive_order_idx")]

    def __str__(self) -> str:
        return f"{self.message_type} for {self.order_id} ({self.state})"


class ReviewRequest(models.Model):
    """Amazon's "Request a Review" (Solicitations API) for one order: at most once."""

    seller_account = models.ForeignKey(
        SellerAccount, on_delete=models.CASCADE, related_name="review_requests"
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="review_requests")
    state = models.CharField(max_length=10, choices=SendState.choices, default=SendState.SENDING)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(state__in=MAYBE_SENT),
                name="review_request_once_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"review request for {self.order_id} ({self.state})"
