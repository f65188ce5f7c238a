"""Django's CSRF secrets and masks, drawn with one call to the system's random source.

Django draws each symbol of a token (32 for the secret, 32 for its mask) with
``secrets.choice``, one call to ``os.urandom`` each: about 85 µs on every first
visit to a public page, a fifth of what /healthz costs (issue 15). ``random_string``
draws the same thing, each symbol uniform over Django's 62 and from the same
source, from bytes read at once: a byte below 248 (4 × 62) is taken modulo 62,
a byte from 248 up is discarded, so no symbol is likelier than another.

``mask_cipher_secret`` masks a secret as Django does (the mask, then each
secret symbol shifted by its mask symbol, modulo 62), with the symbols' places
looked up in a table rather than searched for in the alphabet: Django's
unmasking reads it back (tests/common/test_csrf.py), on every page that shows a
form (the language menu is one), a tenth of what the status page costs.

``install()`` puts them in place of ``django.middleware.csrf._get_new_csrf_string``
and ``_mask_cipher_secret``, the functions Django draws secrets and masks and
masks tokens with, and refuses to start if a Django upgrade no longer has them.
Everything else (the cookie, the unmasking, the check of every POST) stays
Django's.
"""

from __future__ import annotations

import secrets

from django.middleware import csrf

_ALPHABET = csrf.CSRF_ALLOWED_CHARS


def random_string(length: int, alphabet: str = _ALPHABET) -> str:
    """``length`` symbols, each uniform over ``alphabet`` (at most 256 symbols)."""
    usable = 256 - 256 % len(alphabet)
    symbols: list[str] = []
    while len(symbols) < length:
        # A few bytes more than needed: the rare discarded byte seldom costs a second read.
        for byte in secrets.token_bytes(length - len(symbols) + 8):
            if byte < usable:
                symbols.append(alphabet[byte % len(alphabet)])
                if len(symbols) == length:
                    break
    return "".join(symbols)


def _new_csrf_string() -> str:
    return random_string(csrf.CSRF_SECRET_LENGTH)


_PLACE = {symbol: place for place, symbol in enumerate(_ALPHABET)}


def mask_cipher_secret(secret: str) -> str:
    """A fresh mask, then the secret shifted by it: Django's token of ``secret``."""
    mask = _new_csrf_string()
    place, alphabet, size = _PLACE, _ALPHABET, len(_ALPHABET)
    return mask + "".join(
        [alphabet[(place[s] + place[m]) % size] for s, m in zip(secret, mask, strict=True)]
    )


def install() -> None:
    for name in ("_get_new_csrf_string", "_mask_cipher_secret"):
        if not callable(getattr(csrf, name, None)):
            raise RuntimeError(f"django.middleware.csrf.{name} is gone: see common/csrf.py")
    csrf._get_new_csrf_string = _new_csrf_string  # type: ignore[attr-defined]
    csrf._mask_cipher_secret = mask_cipher_secret  # type: ignore[attr-defined]
