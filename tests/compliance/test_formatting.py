"""PROACTIVE_HTML, EMOJI, IMAGE_GIF, TRACKING_PIXEL and the attachment rules
(rules.md 4.19, 4.21-4.25, 4.27)."""

from __future__ import annotations

import pytest

from compliance.types import Severity

PDF = {"name": "invoice.pdf", "size_bytes": 100_000, "content_type": "application/pdf"}


def test_html_blocks_in_proactive_messages_only(rules) -> None:
    body = "<p>Please confirm the engraving text.</p>"
    assert rules(body, "proactive") == {"PROACTIVE_HTML"}
    assert rules(body, "reply") == set()


def test_angle_brackets_in_prose_are_not_html(rules) -> None:
    assert rules("Please confirm the engraving text: size <5 cm or > 10 cm.", "proactive") == set()


@pytest.mark.parametrize(
    "text", ["Thanks 😊", "Done ✅", "Great ⭐", "Ciao 🇮🇹", "Press 1️⃣", "Love ❤️"]
)
def test_emoji_fire(rules, text: str) -> None:
    assert rules(text) == {"EMOJI"}


@pytest.mark.parametrize("text", ["Brand™ and ©", "20 °C ± 2", "A → B", "Thanks :)", "「注意」"])
def test_symbols_are_not_emoji(rules, text: str) -> None:
    assert rules(text) == set()


def test_emoji_severity_depends_on_kind(findings) -> None:
    assert findings("Thanks 😊")[0].severity is Severity.WARN
    body = "Please confirm the engraving text 😊"
    assert [f.severity for f in findings(body, "proactive") if f.rule_id == "EMOJI"] == [
        Severity.BLOCK
    ]


def test_emoji_span_is_in_the_subject_when_it_is_there(findings) -> None:
    found = findings("Please confirm the engraving text.", "proactive", "Engraving 😊")
    (emoji,) = [f for f in found if f.rule_id == "EMOJI"]
    assert emoji.span is not None and emoji.span.field == "subject"
    assert "Engraving 😊"[emoji.span.start : emoji.span.end] == "😊"


def test_gif_attachment_and_inline_gif(rules) -> None:
    gif = {"name": "anim.gif", "size_bytes": 1000, "content_type": "image/gif"}
    assert rules("Here it is.", attachments=[gif]) == {"IMAGE_GIF"}
    assert rules('<img src="cid:anim.gif">') == {"IMAGE_GIF"}


def test_tracking_pixel_warns(findings) -> None:
    body = 'Shipped.<img src="https://t.example.com/o.png" width="1" height="1">'
    found = {(f.rule_id, f.severity) for f in findings(body)}
    assert found == {("TRACKING_PIXEL", Severity.WARN), ("LINK_EXTERNAL", Severity.BLOCK)}


@pytest.mark.parametrize(
    ("name", "content_type", "severity"),
    [
        ("setup.exe", "application/octet-stream", Severity.BLOCK),
        ("photos.zip", "application/zip", Severity.BLOCK),
        ("manual.pdf.exe", "application/pdf", Severity.BLOCK),
        ("invoice.pdf", "application/x-msdownload", Severity.BLOCK),
        ("macro.docm", "", Severity.BLOCK),
        ("table.xlsx", "", Severity.WARN),
        ("photo.heic", "image/heic", Severity.WARN),
    ],
)
def test_attachment_types(findings, name: str, content_type: str, severity: Severity) -> None:
    attachment = {"name": name, "size_bytes": 1000, "content_type": content_type}
    found = [
        f for f in findings("Attached.", attachments=[attachment]) if f.rule_id == "ATTACHMENT_TYPE"
    ]
    assert [f.severity for f in found] == [severity]
    assert found[0].span is not None and found[0].span.field == "attachments"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("a.pdf", "application/pdf"),
        ("b.JPG", "image/jpeg"),
        ("c.docx", ""),
        ("d.png", "application/octet-stream"),
    ],
)
def test_allowed_attachment_types_pass(rules, name: str, content_type: str) -> None:
    attachment = {"name": name, "size_bytes": 1000, "content_type": content_type}
    assert rules("Attached.", attachments=[attachment]) == set()


def test_size_limit_is_ten_mebibytes_per_message(rules) -> None:
    half = dict(PDF, size_bytes=5 * 1024 * 1024)
    assert rules("Attached.", attachments=[half, half]) == set()
    assert rules(
        "Attached.", attachments=[half, dict(half, size_bytes=half["size_bytes"] + 1)]
    ) == {"ATTACHMENT_SIZE"}


def test_count_limit_applies_to_proactive_messages(rules) -> None:
    body = "Your invoices for the order are attached."
    assert rules(body, "proactive", attachments=[PDF] * 5) == set()
    assert rules(body, "proactive", attachments=[PDF] * 6) == {"ATTACHMENT_COUNT"}
    assert rules(body, "reply", attachments=[PDF] * 6) == set()
