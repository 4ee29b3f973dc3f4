"""CONTACT_PHONE and CONTACT_OFF_PLATFORM (rules.md 4.4, 4.5, 5.2, 5.14)."""

from __future__ import annotations

import pytest

from compliance.types import Severity


@pytest.mark.parametrize(
    "body",
    [
        "Call us on +49 30 1234567.",
        "Our line: 0049 30 1234567",
        "Phone +1 (646) 555-0187 ext. 204",
        "Tel. (0)30-123 456 78",
        "Appelez le 06.12.34.56.78",
        "Ring 020 7946 0321 any time",
        "Telefon 030 / 2345 678-0",
        "Hotline 1-800-LAMP-FIX",
        "お電話は03-1234-5678まで",
        "携帯 090-1234-5678 にお電話ください",
        "请拨打 138 0013 8000",
        "Ligue para (11) 98765-4321",
        "Звоните +7 (495) 123-45-67",
        "اتصل على ٠٥٠١٢٣٤٥٦٧",
        "Call me on zero seven seven zero zero nine zero zero one two three",
    ],
)
def test_phone_numbers_fire_in_national_and_international_formats(rules, body: str) -> None:
    assert "CONTACT_PHONE" in rules(body)


@pytest.mark.parametrize(
    "body",
    [
        "Order 114-3941689-8772232 shipped.",
        "UPS tracking 1Z999AA10123456784.",
        "DHL Sendungsnummer 00340434161094042557.",
        "Tracking JJD000390007882412345",
        "伝票番号は1234-5678-9012です。",
        "Rastreio QB123456789BR",
        "运单号 SF1234567890123",
        "ISBN 978-0-262-03384-8",
        "Serial number 4820-1193-0021",
        "Delivered on 14.03.2025 between 14:00-18:00.",
        "Price 1.299,00 € incl. VAT",
        "Postcode 10115, 230 V, 45 x 30 x 15 cm",
        "ASIN B0C7K2M9QX",
    ],
)
def test_numbers_that_are_not_phones_do_not_fire(rules, body: str) -> None:
    assert "CONTACT_PHONE" not in rules(body)


def test_carrier_number_is_a_warning(findings) -> None:
    (finding,) = findings("The carrier, UPS, can rebook delivery on 1-800-742-5877.")
    assert (finding.rule_id, finding.severity) == ("CONTACT_PHONE", Severity.WARN)


def test_seller_number_blocks(findings) -> None:
    (finding,) = findings("Call our workshop on +1 (646) 555-0187.")
    assert finding.severity is Severity.BLOCK


def test_call_us_on_a_number_is_phone_only(rules) -> None:
    assert rules("Please call us on 020 7946 0321 tomorrow.") == {"CONTACT_PHONE"}


def test_messenger_with_number_is_both(rules) -> None:
    assert rules("WhatsApp us on +44 7700 900123") == {"CONTACT_PHONE", "CONTACT_OFF_PLATFORM"}


@pytest.mark.parametrize(
    "body",
    [
        "Message us on WhatsApp for a faster answer.",
        "Add us on WeChat: shop_help88",
        "Напишите нам в Telegram",
        "LINEで友だち追加してください",
        "Give us a call and we'll sort it out.",
        "We'll ring you this afternoon.",
        "Could you send us your mobile number?",
        "Bitte schicken Sie uns Ihre Handynummer.",
        "加我们QQ 123456789",
    ],
)
def test_moving_the_conversation_off_amazon_fires(rules, body: str) -> None:
    found = rules(body)
    assert "CONTACT_OFF_PLATFORM" in found
    assert "CONTACT_PHONE" not in found


@pytest.mark.parametrize(
    "body",
    [
        "Follow us on Instagram for new colours.",
        "We do not use WhatsApp; please keep writing here.",
        "The courier will call you before delivery.",
        "Please reply here with a photo.",
    ],
)
def test_no_off_platform_invitation(rules, body: str) -> None:
    assert "CONTACT_OFF_PLATFORM" not in rules(body)
