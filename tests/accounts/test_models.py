import pytest
from django.db import IntegrityError

from accounts.models import Marketplace, Membership, Role, User
from tests.factories import MembershipFactory, SellerAccountFactory, UserFactory


def test_email_is_unique_whatever_its_case(db):
    UserFactory(email="anna@shop.example")
    with pytest.raises(IntegrityError):
        User.objects.create(email="Anna@Shop.example")


def test_sign_in_name_is_case_insensitive(db):
    user = UserFactory(email="Anna@Shop.example")
    assert user.email == "anna@shop.example"
    assert User.objects.get_by_natural_key("ANNA@shop.EXAMPLE") == user


def test_a_person_has_one_membership_per_seller_account(db):
    membership = MembershipFactory(role=Role.AGENT)
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            user=membership.user, seller_account=membership.seller_account, role=Role.ADMIN
        )


def test_a_person_may_belong_to_several_accounts_with_different_roles(db):
    person = UserFactory()
    MembershipFactory(user=person, role=Role.OWNER)
    MembershipFactory(user=person, role=Role.READ_ONLY)
    assert sorted(person.memberships.values_list("role", flat=True)) == ["owner", "read_only"]


def test_merchant_id_is_unique_per_region_but_may_be_blank_many_times(db):
    SellerAccountFactory(merchant_id="A2MERCHANT", region="EU")
    SellerAccountFactory(merchant_id="A2MERCHANT", region="NA")
    SellerAccountFactory(merchant_id="")
    SellerAccountFactory(merchant_id="")
    with pytest.raises(IntegrityError):
        SellerAccountFactory(merchant_id="A2MERCHANT", region="EU")


def test_marketplace_reference_data_is_seeded(db):
    de = Marketplace.objects.get(id="A1PA6795UKMFR9")
    assert (de.country_code, de.region, de.alias_domain, de.default_language, de.currency) == (
        "DE",
        "EU",
        "marketplace.amazon.de",
        "de",
        "EUR",
    )
    assert Marketplace.objects.get(country_code="JP").alias_domain == "marketplace.amazon.co.jp"
    assert Marketplace.objects.filter(region="NA").count() == 4
