"""REVIEW_INCENTIVE, REVIEW_POSITIVE_ONLY, REVIEW_CHANGE_REQUEST, REVIEW_REPEAT
(rules.md 4.9-4.12, 5.3, 5.4, 5.13)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "body",
    [
        "Post a review and we'll send you a $10 gift card.",
        "Für eine Rezension schenken wir Ihnen einen Gutschein.",
        "Laissez un avis et recevez un bon d'achat de 5 €.",
        "Deje su reseña y le regalamos un cable gratis.",
        "留下评价后，我们会返现5美元。",
        "За отзыв мы вернём вам 300 рублей.",
    ],
)
def test_value_for_a_review_is_an_incentive(rules, body: str) -> None:
    assert "REVIEW_INCENTIVE" in rules(body)


def test_incentive_is_not_also_marketing(rules) -> None:
    assert "MARKETING" not in rules("Review us and get 10% off your next order.")


@pytest.mark.parametrize(
    "body",
    [
        "Please leave us a 5-star review!",
        "If you're happy with it, we'd love a review.",
        "Before leaving a review, please contact us first.",
        "Instead of a negative review, write to us.",
        "When you write your review, please mention our fast delivery.",
        "Wenn Sie zufrieden sind, freuen wir uns über eine Bewertung.",
        "Si vous êtes satisfait, laissez-nous un avis.",
        "満足いただけましたら星5つのレビューをお願いします。",
        "如果您满意，请给我们五星好评。",
    ],
)
def test_positive_only_requests_fire(rules, body: str) -> None:
    assert "REVIEW_POSITIVE_ONLY" in rules(body)


@pytest.mark.parametrize(
    "body",
    [
        "We would appreciate an honest review of the product.",
        "Thank you for the kind words and the lovely feedback!",
        "We will review your return request today.",
        "Thanks also for your feedback about the manual.",
    ],
)
def test_neutral_or_no_request_does_not_fire(rules, body: str) -> None:
    assert rules(body) == set()


@pytest.mark.parametrize(
    "body",
    [
        "Now that it's fixed, could you update your review?",
        "Pourriez-vous supprimer votre avis négatif ?",
        "Könnten Sie Ihre Rezension bitte anpassen?",
        "レビューを削除していただけないでしょうか。",
    ],
)
def test_asking_to_change_a_review_fires(rules, body: str) -> None:
    assert rules(body) == {"REVIEW_CHANGE_REQUEST"}


def test_raising_an_existing_rating_is_a_change_request_only(rules) -> None:
    assert rules("Could you update your review to five stars?") == {"REVIEW_CHANGE_REQUEST"}


def test_money_for_deleting_is_incentive_and_change(rules) -> None:
    found = rules("If you delete the 1-star review we will refund you in full.")
    assert found == {"REVIEW_INCENTIVE", "REVIEW_CHANGE_REQUEST"}


def test_second_request_is_a_repeat(rules) -> None:
    body = "A quick reminder: we'd love to read your review on Amazon."
    assert rules(body, "proactive", days_since_delivery=12, review_requests_already_sent=1) == {
        "REVIEW_REPEAT"
    }
    assert rules(body, "proactive", days_since_delivery=12) == set()


def test_reply_without_a_request_is_no_repeat(rules) -> None:
    body = "We reviewed the photos and the replacement is on its way."
    assert rules(body, review_requests_already_sent=1) == set()
