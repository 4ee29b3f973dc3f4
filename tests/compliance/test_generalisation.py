"""Structural behaviours that let the rules reach wording they were not written for: normalised
Arabic, internationalised domains, sentences joined by semicolons, references back to a review,
questions as requests, encouragements that are not negations, Amazon set aside as a payment route,
permission versus request to cancel, carriers' calls, handles versus addresses."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Rules = Callable[..., set[str]]


def test_arabic_vowel_marks_do_not_hide_a_word(rules: Rules) -> None:
    body = "يمكنك الدفع نقدًا عند الاستلام مباشرة لمندوبنا بدون المرور عبر أمازون."
    assert rules(body) == {"DIVERT_OFF_AMAZON"}


def test_a_greeting_ending_in_la_is_not_a_negation(rules: Rules) -> None:
    assert rules("أهلا أستاذة، أرسلي لنا رسالة على سناب شات.") == {"CONTACT_OFF_PLATFORM"}


def test_internationalised_domain_is_a_link(rules: Rules) -> None:
    assert rules("Гарантию можно оформить на сайте мастердом.рф/гарантия.") == {"LINK_EXTERNAL"}


def test_a_request_after_a_semicolon_belongs_to_the_sentence(rules: Rules) -> None:
    body = "You'll get a six-digit verification code by SMS; please reply with that code."
    assert rules(body) == {"PERSONAL_INFO_REQUEST"}


def test_a_pronoun_refers_back_to_the_review_named_before(rules: Rules) -> None:
    body = "We read your 1-star review. We will refund the full amount if you take it down."
    assert rules(body) == {"REVIEW_CHANGE_REQUEST", "REVIEW_INCENTIVE"}


def test_a_question_is_a_request(rules: Rules) -> None:
    assert rules("Vimos su reseña de 1 estrella. ¿Sería posible que la borrara?") == {
        "REVIEW_CHANGE_REQUEST"
    }


@pytest.mark.parametrize(
    "body",
    [
        "Don't forget to leave a 5-star review if you love it!",
        "Не забудьте поставить пять звёзд, если всё понравилось!",
    ],
)
def test_encouragements_are_not_negations(rules: Rules, body: str) -> None:
    assert "REVIEW_POSITIVE_ONLY" in rules(body, kind="proactive", days_since_delivery=8)


def test_setting_amazon_aside_does_not_make_a_payment_amazon_s(rules: Rules) -> None:
    body = "To save you waiting on Amazon I'll send the refund straight to your PayPal."
    assert rules(body) == {"DIVERT_OFF_AMAZON"}


def test_a_refund_through_amazon_stays_allowed(rules: Rules) -> None:
    assert rules("We have refunded the full amount through Amazon, no need for PayPal.") == set()


def test_a_discount_for_paying_directly_is_marketing_too(rules: Rules) -> None:
    body = "Possiamo farle uno sconto del 10% se paga con bonifico direttamente a noi."
    assert rules(body) == {"DIVERT_OFF_AMAZON", "MARKETING"}


def test_asking_to_cancel_when_out_of_stock_in_other_words(rules: Rules) -> None:
    body = "Sorry, we won't get more in. It might be easiest if you just cancelled it on your side."
    assert rules(body) == {"CANCEL_REQUEST"}


@pytest.mark.parametrize(
    "body",
    [
        "Yes, as it hasn't shipped yet you can cancel it yourself in Your Orders.",
        "Sorry for the delay. To cancel, please go to Your Orders and click Cancel items.",
    ],
)
def test_explaining_how_to_cancel_is_allowed(rules: Rules, body: str) -> None:
    assert rules(body) == set()


@pytest.mark.parametrize(
    "body", ["The courier will call you before delivery.", "快递员送货前可能会给您打电话。"]
)
def test_the_carrier_calling_is_not_an_invitation(rules: Rules, body: str) -> None:
    assert rules(body) == set()


def test_a_handle_after_a_messenger_is_not_an_address(rules: Rules) -> None:
    assert rules("Add me on Skype: lumahome.support") == {"CONTACT_OFF_PLATFORM"}
    assert rules("Ti mando le foto su Instagram in privato, cercaci come @casaviva.design!") == {
        "CONTACT_OFF_PLATFORM"
    }


def test_follow_us_with_a_handle_is_marketing_only(rules: Rules) -> None:
    assert rules("Find us on insta @candleshed for behind the scenes!") == {"MARKETING"}


def test_a_router_address_is_not_a_phone_number(rules: Rules) -> None:
    assert rules("Open 192.168.1.1 in your browser to reach the router settings.") == set()


def test_an_address_problem_is_read_through_its_negation(rules: Rules) -> None:
    body = "В адресе не указан номер квартиры, сообщите его, пожалуйста."
    assert rules(body, kind="proactive", buyer_opted_out=True) == set()


def test_chinese_with_a_japanese_sentence_is_still_chinese(rules: Rules) -> None:
    body = (
        "您好，感谢您的来信。我们已经为您补发了新的配件，预计三天内送达。很抱歉给您带来不便，"
        "如果配件安装有问题，请随时在这里留言。お問い合わせありがとうございます。"
    )
    assert "LANGUAGE_MISMATCH" not in rules(body, kind="proactive", buyer_language="zh")
    assert "LANGUAGE_MISMATCH" in rules(body, kind="proactive", buyer_language="ja")
