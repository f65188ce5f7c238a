"""Tracking numbers: what the customer is given to follow a complaint.

Eleven random symbols from a 31-symbol alphabet (about 54 bits, drawn with
`secrets`, never from the database id) plus one check symbol, shown in three
groups of four: ``7KQM-3XHP-RW2D``. The alphabet leaves out 0/O, 1/I/L so
nothing read aloud on the phone or copied by hand can be confused.

The check symbol makes the weighted sum of all twelve values divisible by 31
(a prime), so every single-symbol typo and every swap of two neighbours is
caught before any database lookup.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_BASE = len(ALPHABET)  # 31, a prime: the check arithmetic below relies on it
_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}
_RANDOM_SYMBOLS = 11
_LENGTH = _RANDOM_SYMBOLS + 1
_GROUP = 4
_SEPARATORS = re.compile(r"[\s\-_.]+")

DISPLAY_LENGTH = _LENGTH + _LENGTH // _GROUP - 1  # 14: "XXXX-XXXX-XXXX"


class InvalidTrackingNumber(ValueError):
    """The text is not a well-formed tracking number (wrong symbols, length or check)."""


def _weighted_sum(symbols: str) -> int:
    return sum((position + 1) * _VALUE[symbol] for position, symbol in enumerate(symbols))


def _check_symbol(body: str) -> str:
    # Solve weighted_sum(body) + 12 * c ≡ 0 (mod 31) for c.
    inverse = pow(_LENGTH, -1, _BASE)
    return ALPHABET[(-_weighted_sum(body) * inverse) % _BASE]


def _format(symbols: str) -> str:
    return "-".join(symbols[i : i + _GROUP] for i in range(0, len(symbols), _GROUP))


def generate() -> str:
    """A new random tracking number in display form (uniqueness is the database's job)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(_RANDOM_SYMBOLS))
    return _format(body + _check_symbol(body))


def normalize(text: str) -> str:
    """The display form of a typed tracking number, or InvalidTrackingNumber.

    Case, spaces and dashes are forgiven; a wrong symbol, length or check symbol is not.
    """
    symbols = _SEPARATORS.sub("", text or "").upper()
    if len(symbols) != _LENGTH or any(symbol not in _VALUE for symbol in symbols):
        raise InvalidTrackingNumber(text)
    if _weighted_sum(symbols) % _BASE:
        raise InvalidTrackingNumber(text)
    return _format(symbols)


def is_valid(text: str) -> bool:
    try:
        normalize(text)
    except InvalidTrackingNumber:
        return False
    return True
