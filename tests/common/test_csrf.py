"""CSRF tokens drawn with one read of the random source (common/csrf.py, issue 15):
the same kind of token as Django's, and CSRF still checked on every POST."""

import re

import pytest
from django.middleware import csrf as django_csrf
from django.test import Client

from common import csrf
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db


def test_django_draws_its_secrets_and_masks_with_ours():
    assert django_csrf._get_new_csrf_string is csrf._new_csrf_string
    secret = django_csrf._get_new_csrf_string()
    assert len(secret) == django_csrf.CSRF_SECRET_LENGTH
    assert set(secret) <= set(django_csrf.CSRF_ALLOWED_CHARS)


def test_django_masks_tokens_with_ours_and_reads_them_back():
    assert getattr(django_csrf, "_mask_cipher_secret") is csrf.mask_cipher_secret  # noqa: B009
    secret = django_csrf._get_new_csrf_string()
    tokens = {csrf.mask_cipher_secret(secret) for _ in range(20)}
    assert len(tokens) == 20  # a fresh mask each time (BREACH)
    for token in tokens:
        assert len(token) == django_csrf.CSRF_TOKEN_LENGTH
        assert token[32:] != secret
        assert getattr(django_csrf, "_unmask_cipher_token")(token) == secret  # noqa: B009


def test_the_mask_is_djangos_for_the_same_mask(monkeypatch):
    secret = csrf.random_string(32)
    mask = csrf.random_string(32)
    monkeypatch.setattr(csrf, "_new_csrf_string", lambda: mask)
    monkeypatch.setattr(django_csrf, "_get_new_csrf_string", lambda: mask)
    ours = csrf.mask_cipher_secret(secret)
    alphabet = django_csrf.CSRF_ALLOWED_CHARS
    expected = mask + "".join(
        alphabet[(alphabet.index(s) + alphabet.index(m)) % len(alphabet)]
        for s, m in zip(secret, mask, strict=True)
    )
    assert ours == expected


def test_bytes_past_the_last_whole_round_of_the_alphabet_are_discarded(monkeypatch):
    # 62 symbols: the bytes 0..247 map four times over, 248..255 would favour the first eight.
    draws = iter([bytes([0, 61, 62, 247, 248, 255, 123]), bytes([9] * 20)])
    monkeypatch.setattr(csrf.secrets, "token_bytes", lambda n: next(draws))
    alphabet = django_csrf.CSRF_ALLOWED_CHARS
    expected = [alphabet[0], alphabet[61], alphabet[0], alphabet[247 % 62], alphabet[123 % 62]]
    assert csrf.random_string(8) == "".join(expected) + alphabet[9] * 3


def test_every_symbol_is_drawn():
    drawn = set(csrf.random_string(4000))
    assert drawn == set(django_csrf.CSRF_ALLOWED_CHARS)


def test_the_language_form_posts_with_the_pages_token_and_not_without_it():
    complaint = make_complaint()
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/track/{complaint.tracking_number}/").content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    token = found.group(1)
    assert len(token) == django_csrf.CSRF_TOKEN_LENGTH
    refused = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "en"})
    assert refused.status_code == 403
    accepted = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/track/", "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
