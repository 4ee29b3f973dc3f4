"""DIVERT_OFF_AMAZON, PERSONAL_INFO_REQUEST, MARKETING, OPT_OUT_LINK and CANCEL_REQUEST
(rules.md 4.6-4.8, 4.13, 4.14, 5.5, 5.11, 5.12, 5.15)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "body",
    [
        "Please send the difference via PayPal.",
        "Bitte überweisen Sie den Aufpreis per PayPal an uns.",
        "Envíenos su IBAN y le devolvemos el dinero por transferencia.",
        "Переведите доплату на нашу карту.",
        "Me envie sua chave Pix.",
        "Next time order directly from our web shop.",
    ],
)
def test_sale_or_payment_outside_amazon_fires(rules, body: str) -> None:
    assert "DIVERT_OFF_AMAZON" in rules(body)


def test_cheaper_elsewhere_is_also_marketing(rules) -> None:
    found = rules("Order directly from our website next time, it is 10% cheaper there.")
    assert found == {"DIVERT_OFF_AMAZON", "MARKETING"}


@pytest.mark.parametrize(
    "body",
    [
        "We issued a partial refund of $6.00 through Amazon.",
        "You can return it through Your Orders; the refund goes back to your card.",
        "We have cancelled the order and Amazon will refund you.",
    ],
)
def test_refunds_through_amazon_do_not_fire(rules, body: str) -> None:
    assert rules(body) == set()


@pytest.mark.parametrize(
    "body",
    [
        "Please send your card number and security code.",
        "Reply with your Amazon password so we can check.",
        "We need a copy of your passport.",
        "Merci de nous indiquer votre date de naissance.",
        "Пришлите фото паспорта.",
        "请提供您的身份证号码。",
    ],
)
def test_sensitive_data_requests_fire(rules, body: str) -> None:
    assert "PERSONAL_INFO_REQUEST" in rules(body)


@pytest.mark.parametrize(
    "body",
    [
        "Could you send a photo of the damaged box and the label?",
        "Please tell us the serial number printed under the base.",
        "We will never ask for your password or card details.",
        "Wir werden Sie niemals nach Ihrem Passwort fragen.",
    ],
)
def test_allowed_or_negated_requests_do_not_fire(rules, body: str) -> None:
    assert "PERSONAL_INFO_REQUEST" not in rules(body)


@pytest.mark.parametrize(
    "body",
    [
        "Use code SAVE15 for 15% off your next order!",
        "Our summer sale starts Friday.",
        "Check out our other products in our Amazon store.",
        "Follow us on Instagram!",
        "Subscribe to our newsletter for news.",
        "Découvrez notre nouvelle collection.",
        "双十一全场八折！",
    ],
)
def test_promotions_fire(rules, body: str) -> None:
    assert "MARKETING" in rules(body)


def test_promotional_attachment_is_marketing(rules) -> None:
    attachments = [
        {"name": "catalogue-2025.pdf", "size_bytes": 1000, "content_type": "application/pdf"}
    ]
    assert rules("Attached as requested.", attachments=attachments) == {"MARKETING"}


@pytest.mark.parametrize(
    "body",
    [
        "The 15% promotion you saw ended on 31 May, so Amazon did not apply it.",
        "The Subscribe & Save discount is set by Amazon, not by us.",
        "Le code promotionnel dont vous parlez était une offre d'Amazon.",
    ],
)
def test_answering_about_a_promotion_is_not_marketing(rules, body: str) -> None:
    assert "MARKETING" not in rules(body)


@pytest.mark.parametrize(
    "body",
    [
        "Reply STOP to stop receiving these messages.",
        "To unsubscribe from our updates, reply to this message.",
        "Pour ne plus recevoir nos messages, répondez STOP.",
    ],
)
def test_opt_out_instructions_fire(rules, body: str) -> None:
    assert "OPT_OUT_LINK" in rules(body)


def test_unsubscribe_link_is_also_external(rules) -> None:
    assert rules("Unsubscribe: https://shop-example.com/unsub") == {"OPT_OUT_LINK", "LINK_EXTERNAL"}


@pytest.mark.parametrize(
    "body",
    [
        "It's out of stock, so please cancel the order from your account.",
        "Bitte stornieren Sie die Bestellung selbst.",
        "在庫切れのため、キャンセルをお願いいたします。",
    ],
)
def test_asking_the_buyer_to_cancel_fires(rules, body: str) -> None:
    assert rules(body) == {"CANCEL_REQUEST"}


@pytest.mark.parametrize(
    "body",
    [
        "If you want to cancel, open Your Orders and choose Cancel items.",
        "We have cancelled the order for you.",
        "You don't need to cancel anything; we will handle it.",
    ],
)
def test_explaining_or_doing_the_cancellation_does_not_fire(rules, body: str) -> None:
    assert rules(body) == set()
