"""factory_boy factories for the project's models."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Marketplace, Membership, Role, SellerAccount, User
from messaging.models import Mailbox, MailboxKind, Message, Tag, Thread
from orders.models import Order, OrderItem, OrderStatus

DE = "A1PA6795UKMFR9"
UK = "A1F83G8C2ARO7P"
US = "ATVPDKIKX0DER"


PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@team.example")
    name = factory.Faker("name")

    @classmethod
    def _create(cls, model_class: type[User], *args: object, **kwargs: object) -> User:
        password = kwargs.pop("password", PASSWORD)
        return model_class.objects.create_user(*args, password=password, **kwargs)


class SellerAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SellerAccount
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Seller {n}")
    region = "EU"

    @factory.post_generation
    def marketplaces(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            self.marketplaces.set(Marketplace.objects.filter(id__in=extracted or [DE, UK]))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    seller_account = factory.SubFactory(SellerAccountFactory)
    role = Role.AGENT


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    seller_account = factory.SubFactory(SellerAccountFactory)
    amazon_order_id = factory.Sequence(lambda n: f"302-{1000000 + n:07d}-{2000000 + n:07d}")
    marketplace_id = DE
    status = OrderStatus.SHIPPED
    fulfillment_channel = "MFN"
    purchased_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    order_item_id = factory.Sequence(lambda n: f"{10000000000000 + n}")
    asin = "B0TESTASIN"
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    title = "Stainless steel water bottle, 750 ml"


class MailboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailbox

    seller_account = factory.SubFactory(SellerAccountFactory)
    name = "Support inbox"
    kind = MailboxKind.IMAP
    email_address = factory.Sequence(lambda n: f"support{n}@seller.example")
    imap_host = "imap.seller.example"
    imap_username = "support"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    seller_account = factory.SubFactory(SellerAccountFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    seller_account = factory.SubFactory(SellerAccountFactory)
    marketplace_id = DE
    buyer_alias = factory.Sequence(lambda n: f"buyer{n:06d}xyz@marketplace.amazon.de")
    buyer_name = factory.Faker("name")
    amazon_order_id = factory.Sequence(lambda n: f"302-{3000000 + n:07d}-{4000000 + n:07d}")
    subject = "Where is my order?"
    last_activity_at = factory.LazyFunction(timezone.now)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    thread = factory.SubFactory(ThreadFactory)
    direction = "in"
    message_id = factory.Sequence(lambda n: f"msg{n}@relay.test")
    subject = "Where is my order?"
    text = "Hello, my parcel has not arrived yet."
    occurred_at = factory.LazyFunction(timezone.now)
