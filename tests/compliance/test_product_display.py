"""The findings panel: numbering, marks in the text (overlaps included), where each finding is,
and the digest that names the warnings a confirmation is for. Pure logic."""

from dataclasses import dataclass

from compliance.display import panel, warnings_confirmed, warnings_digest


@dataclass(frozen=True)
class F:
    rule_id: str
    severity: str
    start: int | None
    end: int | None
    excerpt: str = ""
    field: str = "body"


def test_blocking_findings_come_first_then_in_text_order():
    text = "Hi 😊\ncall 030 1234567 or see shop.example"
    findings = [
        F("LINK_EXTERNAL", "block", 29, 41, "shop.example"),
        F("EMOJI", "warn", 3, 4, "😊"),
        F("CONTACT_PHONE", "block", 10, 21, "030 1234567"),
    ]
    result = panel(text, findings)
    assert [n.finding.rule_id for n in result.findings] == [
        "CONTACT_PHONE",
        "LINK_EXTERNAL",
        "EMOJI",
    ]
    assert [(n.line, n.column) for n in result.findings] == [(2, 6), (2, 25), (1, 4)]
    assert "".join(s.text for s in result.segments) == text
    assert [(s.text, s.number) for s in result.segments if s.number] == [
        ("😊", 3),
        ("030 1234567", 1),
        ("shop.example", 2),
    ]
    assert result.blocking and result.warnings and not result.confirmed


def test_overlapping_spans_are_each_marked_once():
    text = "mail me at info@shop.example please"
    findings = [F("CONTACT_EMAIL", "block", 11, 28), F("LINK_EXTERNAL", "block", 16, 28)]
    segments = panel(text, findings).segments
    assert "".join(s.text for s in segments) == text
    assert [(s.text, s.number) for s in segments if s.number] == [("info@shop.example", 1)]


def test_findings_without_a_span_in_the_text_are_listed_not_marked():
    findings = [F("ATTACHMENT_TYPE", "block", 0, 1, "setup.exe", field="attachments")]
    result = panel("See the attachment.", findings)
    assert not result.marked and result.findings[0].line is None


def test_a_confirmation_names_exactly_the_current_warnings():
    smile = [F("EMOJI", "warn", 0, 1, "😊")]
    party = [F("EMOJI", "warn", 0, 1, "🎉")]
    assert warnings_digest([]) == "" and warnings_confirmed([], "")
    assert warnings_confirmed(smile, warnings_digest(smile))
    assert not warnings_confirmed(smile, warnings_digest(party))
    assert not warnings_confirmed(smile, "")
    blocking = [F("CONTACT_PHONE", "block", 0, 3, "030")]
    assert warnings_digest(blocking + smile) == warnings_digest(smile)
    assert panel("😊", smile, confirmation=warnings_digest(smile)).confirmed
