"""How many SMS parts a text takes (3GPP TS 23.038 / 23.040).

A text made only of GSM-7 characters packs 160 per single message and 153 per
part once concatenated (the rest carries the concatenation header); the
extension characters (``^{}\\[~]|€`` and form feed) take two septets and are
never split across parts. Any other character (ı, ş, ğ, İ, Ş, Ğ, ç…) forces
UCS-2 for the whole message: 70 UTF-16 code units single, 67 per part.
"""

from __future__ import annotations

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# Turkish letters outside GSM-7 and their closest GSM-7 letter (ö, ü, Ö, Ü, Ç
# are in GSM-7 and stay), plus typography that editors like to insert.
_TO_GSM7 = str.maketrans(
    {
        "ç": "c",
        "ğ": "g",
        "Ğ": "G",
        "ı": "i",
        "İ": "I",
        "ş": "s",
        "Ş": "S",
        "â": "a",
        "Â": "A",
        "î": "i",
        "Î": "I",
        "û": "u",
        "Û": "U",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
    }
)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def encoding(text: str) -> str:
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def _pack(weights: list[int], single: int, part: int) -> int:
    total = sum(weights)
    if total == 0:
        return 0
    if total <= single:
        return 1
    parts, used = 1, 0
    for weight in weights:
        if used + weight > part:
            parts, used = parts + 1, 0
        used += weight
    return parts


def segments(text: str) -> int:
    """The number of SMS parts ``text`` is sent as."""
    if is_gsm7(text):
        return _pack([2 if ch in GSM7_EXTENSION else 1 for ch in text], GSM7_SINGLE, GSM7_PART)
    # Characters outside the BMP (emoji) are a surrogate pair: two units that
    # must stay in one part.
    return _pack([2 if ord(ch) > 0xFFFF else 1 for ch in text], UCS2_SINGLE, UCS2_PART)


def to_gsm7(text: str) -> str:
    return text.translate(_TO_GSM7)


def fit(text: str, max_segments: int) -> str:
    """``text`` itself when it fits in ``max_segments``; else, if that makes it
    fit, the text with its Turkish letters written in GSM-7 (which packs more
    than twice as many characters per part); else the shorter of the two."""
    if segments(text) <= max_segments:
        return text
    plain = to_gsm7(text)
    return plain if segments(plain) <= segments(text) else text
