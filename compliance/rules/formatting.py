"""PROACTIVE_HTML, EMOJI, IMAGE_GIF and TRACKING_PIXEL (rules.md 4.19, 4.21, 4.22, 4.27).

Emoji are found with the `emoji` package; a character below U+1F000 counts only when its default
presentation is emoji (list in `compliance/data/symbols.toml`) or it carries the emoji variation
selector, so ©, ®, ™, °, ± and arrows stay allowed (4.21, 10.11).
"""

from __future__ import annotations

import re
from functools import cache

import emoji

from compliance.document import Document
from compliance.messages import MESSAGES
from compliance.rules.attachments import extension
from compliance.types import Finding, Severity, Span
from compliance.vocab import data_file

RULE_IDS = ("PROACTIVE_HTML", "EMOJI", "IMAGE_GIF", "TRACKING_PIXEL")

_TAGS = (
    "a|abbr|article|audio|b|big|blockquote|body|br|button|center|code|div|em|figcaption|figure|"
    "font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|label|li|link|main|meta|nav|"
    "ol|option|p|picture|pre|s|script|section|select|small|source|span|strike|strong|style|sub|"
    "sup|svg|table|tbody|td|textarea|tfoot|th|thead|title|tr|tt|u|ul|video"
)
_HTML = re.compile(
    rf"<\s*/?\s*(?:{_TAGS})(?:\s[^<>]{{0,800}}?)?\s*/?\s*>|<!--.*?-->|&(?:nbsp|amp|lt|gt|quot|"
    r"#\d{2,6}|#x[0-9a-f]{2,6});",
    re.DOTALL,
)
_IMG = re.compile(r"<\s*img\b[^<>]*>", re.DOTALL)
_ATTR = re.compile(r"""([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_GIF_REF = re.compile(
    r"""(?:src\s*=\s*["']?|!\[[^\]]*\]\(\s*)[^"'\s)>]*\.gif(?:[?#][^"'\s)>]*)?|data:image/gif"""
)
_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|(?:width|height)\s*:\s*[01](?:px)?\s*(?:;|$)"
)
# Code points worth handing to the emoji package at all (pictographs, dingbats, arrows, flags,
# keycaps, variation selector); everything else is skipped cheaply.
_EMOJI_CANDIDATE = re.compile(
    "[\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u27bf\u2934\u2935"
    "\u2b05-\u2b55\u3030\u303d\u3297\u3299\ufe0f\u20e3\U0001f000-\U0001faff]"
)


def check(doc: Document) -> list[Finding]:
    findings: list[Finding] = []
    text = doc.text
    if doc.proactive and ("<" in text or "&" in text):
        m = _HTML.search(text)
        if m:
            findings.append(
                doc.finding("PROACTIVE_HTML", Severity.BLOCK, MESSAGES["PROACTIVE_HTML"], *m.span())
            )
    findings.extend(_emoji(doc))
    findings.extend(_gif(doc))
    findings.extend(_pixels(doc))
    return findings


@cache
def _emoji_presentation_bmp() -> frozenset[int]:
    points: set[int] = set()
    for item in data_file("symbols.toml")["emoji_presentation_bmp"]:
        low, _, high = item.partition("-")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return frozenset(points)


def is_pictograph(sequence: str) -> bool:
    """True for an emoji as the rules mean it; False for text-style symbols such as © or ☎."""
    if "\ufe0e" in sequence:
        return False
    if len(sequence) > 1:
        return True
    code = ord(sequence)
    return code >= 0x1F000 or code in _emoji_presentation_bmp()


def _emoji(doc: Document) -> list[Finding]:
    raw = doc.raw
    if not _EMOJI_CANDIDATE.search(raw):
        return []
    found = [m for m in emoji.emoji_list(raw) if is_pictograph(m["emoji"])]
    if not found:
        return []
    severity = Severity.BLOCK if doc.proactive else Severity.WARN
    findings = []
    for m in found:
        start, end = m["match_start"], m["match_end"]
        if start < doc.body_offset and not doc.subject_checked:
            continue
        field, offset = ("subject", 0) if start < doc.body_offset else ("body", doc.body_offset)
        explanation, suggestion = MESSAGES["EMOJI"]
        findings.append(
            Finding(
                "EMOJI",
                severity,
                explanation,
                suggestion,
                span=Span(field, start - offset, end - offset),
                excerpt=m["emoji"],
            )
        )
    return findings


def _gif(doc: Document) -> list[Finding]:
    severity = Severity.BLOCK if doc.proactive else Severity.WARN
    findings = []
    explanation, suggestion = MESSAGES["IMAGE_GIF"]
    for index, attachment in enumerate(doc.context.attachments):
        declared = attachment.content_type.strip().lower()
        if extension(attachment.name) == "gif" or declared.startswith("image/gif"):
            findings.append(
                Finding(
                    "IMAGE_GIF",
                    severity,
                    explanation,
                    suggestion,
                    span=Span("attachments", index, index + 1),
                    excerpt=attachment.name,
                )
            )
    if ".gif" in doc.text or "image/gif" in doc.text:
        for m in _GIF_REF.finditer(doc.text):
            findings.append(doc.finding("IMAGE_GIF", severity, MESSAGES["IMAGE_GIF"], *m.span()))
    return findings


def _pixels(doc: Document) -> list[Finding]:
    if "<" not in doc.text:
        return []
    findings = []
    for m in _IMG.finditer(doc.text):
        attrs = {
            a.group(1): next(g for g in a.groups()[1:] if g is not None)
            for a in _ATTR.finditer(m.group(0))
        }
        if not _REMOTE.match(attrs.get("src", "")):
            continue
        tiny = attrs.get("width", "").strip() in {"0", "1", "0px", "1px"} and attrs.get(
            "height", ""
        ).strip() in {"0", "1", "0px", "1px"}
        if tiny or _HIDDEN_STYLE.search(attrs.get("style", "")):
            findings.append(
                doc.finding("TRACKING_PIXEL", Severity.WARN, MESSAGES["TRACKING_PIXEL"], *m.span())
            )
    return findings
