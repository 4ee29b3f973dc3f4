"""LINK_EXTERNAL, LINK_AMAZON_NONESSENTIAL and CONTACT_EMAIL (rules.md 4.1-4.3, 5.1)."""

from __future__ import annotations

import pytest

from compliance.types import Severity


@pytest.mark.parametrize(
    "body",
    [
        "Full guide: https://guides.example-shop.com/lamp",
        "See www.lamp-shop.de/hilfe for pictures.",
        "The manual is on lampworks.co.uk/manuals.",
        "Our store: example.store",
        "Video at youtu.be/abc123",
        "Short link: tinyurl.com/2p8xk",
        "[manual](https://files.example.net/m.pdf)",
        '<a href="https://example.org/care">care guide</a>',
        "Open hxxps://example.com/fw in your browser",
        "Type h t t p s : / / example . com",
        "Find it at example dot com slash help",
        "Find it at example(dot)com",
        "Find it at example[.]com",
        "ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ",
        "example。com",
        "lampen punkt de schrägstrich hilfe",
        "tienda-luz punto es barra ayuda",
        "lampa точка ru",
        "dengju 点 com",
        "ex\u200bample.com",
        "Firmware: http://192.0.2.7/fw.bin",
        "w w w . e x a m p l e . c o m",
    ],
)
def test_external_addresses_fire_however_written(rules, body: str) -> None:
    assert "LINK_EXTERNAL" in rules(body)


@pytest.mark.parametrize(
    "body",
    [
        "Thanks for buying on Amazon.de and Amazon.com.br.",
        "The manual is attached as manual_v2.pdf and invoice_0412.pdf.",
        "Firmware v2.0.3 and 1.4.2 both work.",
        "It has a 3.5mm jack and weighs 2,5 kg.",
        "Model HX-2200.v2, e.g. for kitchens, z.B. in der Küche.",
        "Our warehouse is in St. Louis.",
        "Tracking 1Z999AA10123456784.",
        "En este punto es importante revisar el enchufe.",
        "Du point de vue technique, tout est conforme.",
        "Il punto vendita più vicino è a Roma.",
        "It arrived.Thanks for waiting.",
    ],
)
def test_things_that_look_like_addresses_do_not_fire(rules, body: str) -> None:
    assert "LINK_EXTERNAL" not in rules(body)


def test_amazon_product_page_is_nonessential_and_warns_in_a_reply(findings) -> None:
    found = findings("This one fits: https://www.amazon.com/dp/B0C7K2M9QX")
    assert [(f.rule_id, f.severity) for f in found] == [("LINK_AMAZON_NONESSENTIAL", Severity.WARN)]


def test_amazon_short_link_blocks_in_a_proactive_message(findings) -> None:
    found = findings("Please review your order here: amzn.to/3xYz", kind="proactive")
    assert ("LINK_AMAZON_NONESSENTIAL", Severity.BLOCK) in [(f.rule_id, f.severity) for f in found]


@pytest.mark.parametrize(
    "body",
    [
        "Search results: https://www.amazon.de/s?k=filter",
        "Our storefront: https://www.amazon.co.uk/stores/Brand/page/1",
        "amzn.eu/d/abc",
    ],
)
def test_amazon_stores_searches_and_short_links_are_nonessential(rules, body: str) -> None:
    assert rules(body) == {"LINK_AMAZON_NONESSENTIAL"}


def test_amazon_order_page_link_is_allowed(rules) -> None:
    assert rules("See https://www.amazon.com/gp/your-account/order-history") == set()


def test_allowed_domain_lowers_external_link_to_warn(findings) -> None:
    found = findings(
        "Track it on https://www.carrier-example.com/track", allowed_domains=["carrier-example.com"]
    )
    assert [(f.rule_id, f.severity) for f in found] == [("LINK_EXTERNAL", Severity.WARN)]


@pytest.mark.parametrize(
    "body",
    [
        "Write to help@example-shop.com",
        "mailto:help@example-shop.com",
        "help (at) example-shop (dot) com",
        "help[at]example-shop[dot]de",
        "help at example-shop dot com",
        "help＠example-shop.cn",
        "ventas arroba tienda punto es",
        "info arobase boutique point fr",
        "assistenza chiocciola negozio punto it",
        "info собака shop точка ru",
        "kefu 艾特 shop 点 com",
        "support アットマーク shop ドット jp",
    ],
)
def test_email_addresses_fire_however_written(rules, body: str) -> None:
    assert rules(body) == {"CONTACT_EMAIL"}


@pytest.mark.parametrize(
    "body",
    [
        "It arrives at the depot at 9 and at your door at 2.",
        "Two packs @ 4.99 each.",
        "Our LINE account is @shop-jp in the app store listing",
        "The manual is at example dot com",
    ],
)
def test_prose_at_is_not_an_email(rules, body: str) -> None:
    assert "CONTACT_EMAIL" not in rules(body)


def test_email_domain_is_not_also_a_link(rules) -> None:
    assert rules("Regards, Ann | ann@brand-example.com") == {"CONTACT_EMAIL"}


def test_finding_span_points_at_the_address_in_the_original_text(findings) -> None:
    body = "Hello,\nsee ｗｗｗ．example．com today"
    (finding,) = findings(body)
    assert finding.span is not None and finding.span.field == "body"
    assert body[finding.span.start : finding.span.end] == "ｗｗｗ．example．com"
