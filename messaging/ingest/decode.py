"""Turning the bytes a real mailbox throws at us into text: charsets, RFC 2047 words, 8-bit
headers and mislabelled parts. Every function here returns text; none of them raises."""

from __future__ import annotations

import codecs
import re
from email.header import decode_header

from charset_normalizer import from_bytes

# Labels seen in the wild mapped to the codec that actually decodes them: supersets win, since a
# part labelled with the subset routinely contains the superset's characters.
CHARSET_ALIASES = {
    "us-ascii": "utf-8",  # mislabelled 8-bit text is far more common than real 7-bit ASCII
    "ascii": "utf-8",
    "ansi_x3.4-1968": "utf-8",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "csiso2022jp": "iso2022_jp_ext",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "windows-1256": "cp1256",
    "iso-8859-6": "iso8859_6",
}


def codec_for(charset: str | None) -> str | None:
    """The Python codec name for a declared charset, or None if unknown."""
    if not charset:
        return None
    label = charset.strip().strip("\"'").lower()
    label = CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """Decode `data`, trusting the declared `charset` only if it decodes cleanly.

    Returns (text, how): `how` is empty when the declared charset worked, otherwise a short
    description of the fallback taken (kept as a parse defect).
    """
    codec = codec_for(charset)
    if codec:
        try:
            return data.decode(codec), ""
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        text = data.decode("utf-8")
        return text, "" if codec is None and not charset else f"charset {charset!r} -> utf-8"
    except UnicodeDecodeError:
        pass
    # Statistical guessing needs material; a short header word is better read as Windows-1252.
    guess = from_bytes(data).best() if len(data) >= 64 else None
    if guess is not None and guess.encoding:
        return str(guess), f"charset {charset!r} guessed as {guess.encoding}"
    return data.decode(codec or "cp1252", errors="replace"), f"charset {charset!r} undecodable"


_SURROGATES = re.compile(r"[\udc80-\udcff]")
_ENCODED_WORD_GAP = re.compile(r"(\?=)\s+(=\?)")


def _raw_header_bytes(value: str) -> bytes:
    return value.encode("ascii", "surrogateescape")


def decode_header_value(value: object) -> str:
    """Decode a header: RFC 2047 words (also broken ones), raw 8-bit bytes, folded lines."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    if _SURROGATES.search(value):
        # 8-bit bytes in a header (no RFC 2047): guess their charset from the bytes.
        value = decode_bytes(_raw_header_bytes(value))[0]
    value = value.replace("\r", "").replace("\n", "")
    if "=?" not in value:
        return value.strip()
    try:
        parts = decode_header(_ENCODED_WORD_GAP.sub(r"\1\2", value))
    except Exception:  # a malformed encoded word: show it as it came
        return value.strip()
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset)[0])
        else:
            out.append(chunk)
    return "".join(out).strip()
