"""The buyer's own words: HTML to text and sanitised HTML, Amazon's header block and footer,
and quoted history cut away. Pure functions on text."""

from __future__ import annotations

import html as html_lib
import re

import nh3

# Buyer HTML is hostile: keep formatting, drop scripts, styles, forms and images (remote images
# are tracking pixels; inline ones arrive as attachments anyway).
ALLOWED_TAGS = nh3.ALLOWED_TAGS - {"img"}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_BLOCK_END = re.compile(r"(?i)<\s*(br|/p|/div|/tr|/li|/h[1-6]|/table|hr)\b[^>]*>")
_CELL_END = re.compile(r"(?i)<\s*/t[dh]\s*>")
_HIDDEN = re.compile(r"(?is)<(script|style|head|title)\b.*?</\1\s*>")


def html_to_text(markup: str) -> str:
    """Readable plain text from HTML: block ends become line breaks, everything else goes."""
    markup = _HIDDEN.sub("", markup)
    markup = _BLOCK_END.sub("\n", markup)
    markup = _CELL_END.sub(" ", markup)
    text = nh3.clean(markup, tags=set(), clean_content_tags={"script", "style"})
    text = html_lib.unescape(text).replace("\xa0", " ")
    return normalise_whitespace(text)


def normalise_whitespace(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line.strip() and (not out or not out[-1].strip()):
            continue  # no leading blank lines, no runs of blank lines
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


# Amazon's marker lines around the buyer's text: "------------- Begin message -------------",
# "------------- Message: -------------", "----- Début du message -----", ... Their words are
# localised (and sometimes bilingual), so any dashed line with words in it counts.
MARKER = re.compile(r"^\s*-{5,}\s*([^-\n][^\n]*?)\s*-{5,}\s*$")

# Lines of Amazon's header block above the buyer's text.
HEADER_BLOCK_LINE = re.compile(
    r"(?ix)^\s*(?:"
    r"(?:order\s*id|bestellnummer|n[°º]\s*de\s*commande|numero\s*(?:d'|de\s*)?ordine|"
    r"n[úu]mero\s*de\s*pedido|注文番号|رقم\s*الطلب|номер\s*заказа)\s*[:：#]"  # noqa: RUF001
    r"|\#\s*[0-9A-Z]\d{2}-\d{7}-\d{7}\s*:"
    r"|\d+\s*(?:of|/|x|von|de|di|个|点)\s+.*\[ASIN:\s*[A-Z0-9]{10}\]"
    r"|.*\[ASIN:\s*[A-Z0-9]{10}\]\s*$"
    r")"
)

# Where Amazon's footer starts (retention notice, filtering, response links), per language.
FOOTER_START = re.compile(
    r"(?i)("
    r"we retain all messages|was this (?:e-?mail|message) helpful|"
    r"to respond to this (?:customer|buyer)|mark (?:this message )?as no response needed|"
    r"report questionable activity|messages that fail this filtering|"
    r"amazon\.[a-z.]+ retains|copyright \d{4}|©\s*\d{4}.*amazon|"
    r"wir bewahren alle nachrichten|nachrichten, die diese filterung nicht|"
    r"keine antwort erforderlich|verdächtige aktivitäten melden|"
    r"nous conservons tous les messages|aucune réponse nécessaire|"
    r"signaler une activité suspecte|"
    r"conservamos todos los mensajes|no es necesario responder|no requiere respuesta|"
    r"conserviamo tutti i messaggi|nessuna risposta necessaria|"
    r"mantemos todas as mensagens|nenhuma resposta necessária|"
    r"すべてのメッセージを.*保管|返信不要|"
    r"نحتفظ بجميع الرسائل|"
    r"мы храним все сообщения"
    r")"
)

# The first line of quoted history in a reply, in the languages our buyers write.
QUOTE_HEADER = re.compile(
    r"(?ix)^\s*(?:"
    r"on\s.+\s(?:wrote|writes)\s*:\s*$|"
    r"am\s.+\sschrieb.*:\s*$|"
    r"le\s.+\sa\s+écrit\s*:\s*$|"
    r"el\s.+\sescribió\s*:\s*$|"
    r"il\s.+\sha\s+scritto\s*:\s*$|"
    r"em\s.+\sescreveu\s*:\s*$|"
    r"op\s.+\sschreef.*:\s*$|"
    r"den\s.+\sskrev.*:\s*$|"
    r".+\s(?:пишет|написал|написала|написал\(а\))\s*:\s*$|"  # noqa: RUF001
    r"在.+写道\s*[:：]\s*$|"  # noqa: RUF001
    r"\d{4}年\d{1,2}月\d{1,2}日.*[:：]\s*$|"  # noqa: RUF001
    r".+\sكتب\s*:\s*$|"
    r"-{2,}\s*(?:original\s+message|ursprüngliche\s+nachricht|message\s+d'origine|"
    r"mensaje\s+original|messaggio\s+originale|mensagem\s+original|"
    r"oorspronkelijk\s+bericht|исходное\s+сообщение|原始邮件|元のメッセージ)\s*-{2,}|"
    r"_{10,}\s*$|"
    r"(?:from|von|de|da|van|от|发件人|差出人)\s*[:：]\s*.+@.+"  # noqa: RUF001
    r")"
)


def buyer_text(text: str) -> str:
    """The buyer's own words from a relayed message body.

    Between Amazon's marker lines when they are there; otherwise the body without Amazon's
    header block and footer. Quoted history (our earlier reply) is cut either way.
    """
    lines = normalise_whitespace(text).split("\n")
    markers = [i for i, line in enumerate(lines) if MARKER.match(line)]
    if markers:
        start = markers[0] + 1
        end = markers[1] if len(markers) > 1 else len(lines)
        body = lines[start:end]
    else:
        body = [line for line in lines if not HEADER_BLOCK_LINE.match(line)]
    body = _cut_footer(body)
    body = _cut_quotes(body)
    return normalise_whitespace("\n".join(body))


def _cut_footer(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if i > 0 and FOOTER_START.search(line):
            return lines[:i]
    return lines


def _cut_quotes(lines: list[str]) -> list[str]:
    kept: list[str] = []
    for line in lines:
        if kept and any(part.strip() for part in kept) and QUOTE_HEADER.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return kept


def notice_text(text: str, limit: int = 20_000) -> str:
    """Text of a system notice, tidied and bounded (they are shown, never acted upon)."""
    return normalise_whitespace(text)[:limit]
