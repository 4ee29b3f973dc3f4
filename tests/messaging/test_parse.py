# ruff: noqa: E501, RUF001 - a table of multilingual expectations reads best one mail per line
"""The pure parser on the fixture corpus: kinds, order ids, aliases, names, marketplaces,
languages, buyer text, charsets and transfer encodings, attachments, bounces, broken mail."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from messaging.ingest.addresses import find_order_id, stable_alias
from messaging.ingest.parse import parse_mail
from messaging.ingest.types import MailKind, UnparseableMail

from .mailtools import UNPARSEABLE, corpus_files, expected_kind, fixture

ROOT = Path(__file__).resolve().parents[2]

# file: (order id, buyer alias, buyer name, marketplace, language, words from the buyer's text)
BUYER_MESSAGES = {
    "en_us_where_is_my_order.eml": ("113-4829175-2209341", "q7k2m9x4t1w8z3p@marketplace.amazon.com", "Dana R.", "ATVPDKIKX0DER", "en", "tracking has not moved"),
    "en_uk_plus_alias_qp.eml": ("202-5550123-7654321", "6bmcx2l1t7cwrwb@marketplace.amazon.co.uk", "Oliver T.", "A1F83G8C2ARO7P", "en", "I’d like to return the mug – it’s"),
    "de_damaged_latin1_qp.eml": ("302-4821956-3371520", "k3x9m2p7q1w8z4t@marketplace.amazon.de", "Jana K.", "A1PA6795UKMFR9", "de", "schließt nicht richtig"),
    "de_address_change_base64.eml": ("303-1112223-4445556", "p0w8r2t6y4u1i3o@marketplace.amazon.de", "Lukas Müller", "A1PA6795UKMFR9", "de", "Gartenstraße in Köln"),
    "fr_customisation_base64.eml": ("402-5520347-9061145", "z8w1q4t7m2k9x3p@marketplace.amazon.fr", "Léa D.", "A13V1IB3VIYZZH", "fr", "broder les initiales « C.M. »"),
    "fr_ca_bilingual_cp1252.eml": ("701-2233445-5667788", "c4n4d4b1l1ngu4l@marketplace.amazon.ca", "Camille B.", "A2EUQ1WTGCTBG2", "fr", "l’interrupteur du variateur"),
    "it_return_iso8859-15_qp.eml": ("405-2219573-6604419", "m4x1z7q2w9k3t8p@marketplace.amazon.it", "Giulia B.", "APJ6JRA9NG5V4", "it", "rimborso di 82 €"),
    "es_address_change_utf8_8bit.eml": ("406-7730219-5548316", "p2t8k5w3x9m1q7z@marketplace.amazon.es", "Sofía G.", "A1RKKUPIHCS9HS", "es", "calle Mayor 12, 3º izquierda"),
    "es_mx_html_only_qp.eml": ("701-9988776-5544332", "d1e2g3o4r5m6x7z@marketplace.amazon.com.mx", "Diego R.", "A1AM78C64UM0Y8", "es", "cumpleaños de mi hijo"),
    "pt_br_thank_you_base64.eml": ("702-3348120-7719254", "w2k7q9t4x1m8z3p@marketplace.amazon.com.br", "Maria S.", "A2Q3Y263D00KWC", "pt", "Muito obrigada"),
    "ja_iso2022jp.eml": ("250-6612934-1187502", "t9q3m7x2k8w1z4p@marketplace.amazon.co.jp", "山田", "A1VC38T7YXB528", "ja", "注文した商品がまだ届きません"),
    "ja_shift_jis_base64.eml": ("249-1234567-7654321", "s4t0h1r0j1s8n2k@marketplace.amazon.co.jp", "佐藤", "A1VC38T7YXB528", "ja", "①②③"),
    "ja_html_only_fullwidth_order.eml": ("250-7771234-5556667", "t4k4h4sh1y0g4m4@marketplace.amazon.co.jp", "高橋", "A1VC38T7YXB528", "ja", "ヨガマットの色を青に"),
    "zh_gb18030_base64.eml": ("114-3941689-8772232", "w4ngf4ng8c8n9z1@marketplace.amazon.com", "王芳", "ATVPDKIKX0DER", "zh", "重新配对蓝牙了。谢谢！𠮷"),
    "ar_windows1256_qp.eml": ("402-6618274-3390512", "r5m2q8w1t7x4k9z@marketplace.amazon.ae", "أحمد أ.", "A2VIGQ35RCS4UG", "ar", "لقد وصل الشاحن"),
    "ru_koi8r_8bit.eml": ("304-2468135-9753102", "i1v2a3n4p5e6t7r@marketplace.amazon.de", "Иван П.", "A1PA6795UKMFR9", "ru", "зарядного кабеля"),
    "nl_utf8_qp.eml": ("403-1029384-5647382", "s4nn3v1ss3r7nl2@marketplace.amazon.nl", "Sanne V.", "A1805IZSGTT6HS", "nl", "nog steeds niet bezorgd"),
    "pl_iso8859-2_qp.eml": ("404-5647382-1029384", "z0f1aw1sn13wsk4@marketplace.amazon.pl", "Zofia W.", "A1C3SOZRARQ6R3", "pl", "Zofia Wiśniewska"),
    "tr_iso8859-9_base64.eml": ("405-1357924-8642097", "a7y5s3e1y9i8l6m@marketplace.amazon.com.tr", "Ayşe Y.", "A33AVAJ2PDY3EV", "tr", "şişe çizilmiş"),
    "sv_utf8_8bit.eml": ("406-9876543-2109876", "e9r8i7k6l5u4n3d@marketplace.amazon.se", "Erik L.", "A2NODRKZP88ZB9", "sv", "Tack för snabb leverans"),
    "en_digital_order_d01.eml": ("D01-9876543-2109876", "j4m3sw4lk3r9d1g@marketplace.amazon.com", "James W.", "ATVPDKIKX0DER", "en", "download link"),
    "en_presale_question_no_order.eml": ("", "d4n13lbr0wn5x8q@marketplace.amazon.co.uk", "Daniel B.", "A1F83G8C2ARO7P", "en", "dishwasher safe"),
    "malformed_raw_8bit_headers.eml": ("404-6060606-7070707", "c7h6l5o4e3m2r1z@marketplace.amazon.fr", "Chloé M.", "A13V1IB3VIYZZH", "fr", "ouvrir une enquête"),
    "malformed_declared_ascii_but_utf8.eml": ("302-1010101-2020202", "l3n4f1sch3r8d7x@marketplace.amazon.de", "Lena F.", "A1PA6795UKMFR9", "de", "Grüße! Wann wird"),
    "malformed_unknown_charset_label.eml": ("403-3030303-4040404", "m4rc0r0ss1x7t2q@marketplace.amazon.it", "Marco R.", "APJ6JRA9NG5V4", "it", "È un regalo"),
    "malformed_bad_base64_padding.eml": ("112-5050505-6060606", "s4r4c0l0mb0x1z@marketplace.amazon.com", "Sara C.", "ATVPDKIKX0DER", "en", "colour of my order to black"),
    "malformed_bare_lf_odd_folding.eml": ("302-8080808-9090909", "t0b14sb3ck3r2x@marketplace.amazon.de", "Tobias B.", "A1PA6795UKMFR9", "de", "Ladegerät auch für ein Tablet"),
    "malformed_truncated_multipart.eml": ("304-1212121-2323232", "a8n7j6a5h4o3f2m@marketplace.amazon.de", "Anja H.", "A1PA6795UKMFR9", "de", "Yogamatte zurückgeben"),
}  # fmt: skip


def parse(name: str):
    return parse_mail(fixture(name))


def test_corpus_has_enough_mail_languages_and_encodings():
    files = corpus_files()
    assert len(files) >= 40
    languages = {parse(name).language for name in BUYER_MESSAGES}
    assert len(languages) >= 8, languages
    charsets = set()
    for path in files:
        head = path.read_bytes().lower()
        for token in (b"charset=", b'charset="', b"=?"):
            start = head.find(token)
            while start >= 0:
                charsets.add(head[start + len(token) : start + len(token) + 12].split(b"?")[0])
                start = head.find(token, start + 1)
    encodings = [b"quoted-printable", b"base64", b"8bit", b"7bit"]
    assert all(any(e in p.read_bytes().lower() for p in files) for e in encodings)
    assert len(charsets) >= 8


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_every_corpus_mail_gets_its_expected_kind(path):
    expected = expected_kind(path.name)
    if expected == "unparseable":
        with pytest.raises(UnparseableMail):
            parse_mail(path.read_bytes())
        return
    assert parse_mail(path.read_bytes()).kind == expected


@pytest.mark.parametrize("name", sorted(BUYER_MESSAGES))
def test_buyer_message_fields(name):
    order_id, alias, buyer, marketplace, language, words = BUYER_MESSAGES[name]
    mail = parse(name)
    assert mail.kind == MailKind.BUYER_MESSAGE
    assert mail.order_id == order_id
    assert mail.buyer_alias == alias
    assert mail.buyer_name == buyer
    assert mail.marketplace_id == marketplace
    assert mail.language == language
    assert words in mail.text


@pytest.mark.parametrize("name", sorted(BUYER_MESSAGES))
def test_buyer_text_has_no_amazon_boilerplate(name):
    text = parse(name).text.lower()
    for boilerplate in ("begin message", "end message", "retain all messages", "[asin:",
                        "was this email helpful", "-------------"):  # fmt: skip
        assert boilerplate not in text


def test_quoted_history_is_cut_in_english_and_german():
    assert parse("en_reply_with_quoted_history.eml").text == (
        "Great, thank you! I will wait until Monday then."
    )
    assert parse("de_reply_quoted_schrieb.eml").text == (
        "Vielen Dank, der Ersatz ist heute angekommen und alles passt."
    )


def test_threading_headers_are_read():
    mail = parse("en_reply_with_quoted_history.eml")
    assert mail.in_reply_to == "reply-1@example-seller.test"
    assert mail.references == (
        "0100018e0a1b2c3d-us-0001@email.amazonses.test",
        "reply-1@example-seller.test",
    )


def test_hostile_html_is_sanitised():
    mail = parse("en_hostile_html.eml")
    for bad in ("<script", "onload", "onerror", "javascript:", "<iframe", "<form", "<img",
                "<svg", "style="):  # fmt: skip
        assert bad not in mail.html.lower()
    assert "my order is late" in mail.text and "alert" not in mail.text


def test_html_only_mail_becomes_text():
    mail = parse("es_mx_html_only_qp.eml")
    assert "<p>" not in mail.text and "Saludos, Diego" in mail.text
    assert "color:red" not in mail.text


def test_attachments_with_checksums_and_encoded_names():
    photo = parse("en_damaged_with_photo.eml").attachments
    assert [(a.filename, a.content_type, a.is_inline) for a in photo] == [
        ("broken-mug.png", "image/png", False)
    ]
    assert len(photo[0].sha256) == 64 and photo[0].content.startswith(b"\x89PNG")
    (pdf,) = parse("de_invoice_request_rfc2231_filename.eml").attachments
    assert pdf.filename == "Bestellübersicht März.pdf" and pdf.content.startswith(b"%PDF")
    (inline,) = parse("en_customisation_inline_image_related.eml").attachments
    assert inline.is_inline and inline.filename == "engraving.png"


def test_attachment_over_the_cap_is_recorded_not_kept():
    (photo,) = parse_mail(fixture("en_damaged_with_photo.eml"), max_attachment_bytes=10).attachments
    assert photo.content is None and "over the 10-byte limit" in photo.skipped_reason
    assert photo.size == 70 and len(photo.sha256) == 64


def test_mail_without_message_id_gets_a_stable_content_id():
    first = parse("en_no_message_id.eml")
    assert first.message_id == parse("en_no_message_id.eml").message_id
    assert first.message_id.endswith("@no-message-id.invalid")


def test_broken_encoded_words_and_unknown_charsets_still_read():
    mail = parse("malformed_broken_encoded_words.eml")
    assert mail.order_id == "113-7777777-8888888" and mail.buyer_name == "Broken Náme"
    assert mail.subject.startswith("Grüße")
    assert "x-garbage-2000" in " ".join(parse("malformed_unknown_charset_label.eml").defects)


@pytest.mark.parametrize(
    "name,reason,original,recipient",
    [
        ("failure_opt_out_en.eml", "opt out of receiving unsolicited messages",
         "reply-7@example-seller.test", "q7k2m9x4t1w8z3p@marketplace.amazon.com"),
        ("failure_guidelines_de.eml", "konnte nicht zugestellt werden",
         "reply-8@example-seller.test", "k3x9m2p7q1w8z4t@marketplace.amazon.de"),
        ("failure_dsn_multipart_report.eml", "552 5.3.4 Message size exceeds fixed limit",
         "reply-9@example-seller.test", "w2k7q9t4x1m8z3p@marketplace.amazon.com.br"),
        ("failure_plain_bounce_postmaster.eml", "550 5.7.1 Sender address not authorised",
         "reply-10@example-seller.test", "g7r4c3w1l5s0n9x@marketplace.amazon.co.uk"),
    ],
)  # fmt: skip
def test_delivery_failures_say_why_and_what_they_reject(name, reason, original, recipient):
    mail = parse(name)
    assert mail.kind == MailKind.DELIVERY_FAILURE
    assert reason in mail.delivery_failure.reason
    assert mail.delivery_failure.original_message_id == original
    assert mail.delivery_failure.recipient == recipient


def test_a_buyer_writing_could_not_be_delivered_stays_a_buyer_message():
    assert parse("en_buyer_says_could_not_be_delivered.eml").kind == MailKind.BUYER_MESSAGE


def test_account_restriction_is_a_notice_not_a_bounce():
    assert parse("notice_proactive_restriction_en.eml").kind == MailKind.SYSTEM_NOTICE


def test_unparseable_mail_says_why():
    reasons = {}
    for name in sorted(UNPARSEABLE):
        with pytest.raises(UnparseableMail) as error:
            parse(name)
        reasons[name] = str(error.value)
    assert "no mail headers" in reasons["malformed_not_mail_binary.eml"]
    assert "no buyer alias" in reasons["malformed_buyer_type_without_alias.eml"]
    assert "too deep" in reasons["malformed_mime_nesting_bomb.eml"]


@pytest.mark.parametrize(
    "text,order_id",
    [
        ("Order: 113-4829175-2209341)", "113-4829175-2209341"),
        ("# 302-4821956-3371520:", "302-4821956-3371520"),
        ("order D01-9876543-2109876", "D01-9876543-2109876"),
        ("注文番号：２５０－７７７１２３４－５５５６６６７", "250-7771234-5556667"),
        ("Bestellung 302–4821956–3371520", "302-4821956-3371520"),
        ("tracking 1Z999AA10123456784 and 12345678901234567", ""),
        ("phone 0049-1234567-1234567890", ""),
    ],
)
def test_order_id_formats(text, order_id):
    assert find_order_id(text) == order_id


@pytest.mark.parametrize(
    "address,alias",
    [
        ("ABC123xyz0987qw@Marketplace.Amazon.DE", "abc123xyz0987qw@marketplace.amazon.de"),
        ("k3x9m2p7q1w8z4t+0b5a7c1e-1111-2222@marketplace.amazon.co.jp",
         "k3x9m2p7q1w8z4t@marketplace.amazon.co.jp"),
        ("someone@marketplace.amazon.com.tr", "someone@marketplace.amazon.com.tr"),
        ("auto-communication@amazon.com", ""),
        ("buyer@marketplace.amazon.evil.example", ""),
        ("x@notmarketplace.amazon.com", ""),
    ],
)  # fmt: skip
def test_buyer_alias_detection(address, alias):
    assert stable_alias(address) == alias


def test_parse_email_command_prints_json():
    path = corpus_files()[0].parent / "ja_iso2022jp.eml"
    result = subprocess.run(
        [sys.executable, "manage.py", "parse_email", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(result.stdout)
    for key in ("kind", "order_id", "buyer_alias", "buyer_name", "marketplace", "language",
                "subject", "text", "attachments"):  # fmt: skip
        assert key in data
    assert (data["kind"], data["order_id"], data["language"], data["marketplace"]) == (
        "buyer_message",
        "250-6612934-1187502",
        "ja",
        "Japan (A1VC38T7YXB528)",
    )
