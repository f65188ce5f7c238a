"""Tracking numbers (PROCESS.md stage 4: the customer asks with it, at any time,
what stage the complaint is in): readable on the phone, typo-proof, unguessable."""

import itertools
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaints import tracking
from complaints.models import Complaint, Customer
from complaints.selectors import complaint_get_by_tracking_number
from tests.factories import make_complaint

ALPHABET = tracking.ALPHABET
CONFUSABLE = "0O1IL"
DISPLAY_FORM = re.compile(rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")
bodies = st.text(alphabet=ALPHABET, min_size=11, max_size=11)


def symbols(number: str) -> str:
    return number.replace("-", "")


def display(symbols: str) -> str:
    return f"{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"


def completions(body: str) -> list[str]:
    """Every check symbol that makes ``body`` a valid number (there must be exactly one)."""
    return [display(body + c) for c in ALPHABET if tracking.is_valid(body + c)]


def substitutions(number: str):
    chars = symbols(number)
    for position, replacement in itertools.product(range(len(chars)), ALPHABET):
        if replacement != chars[position]:
            yield display(chars[:position] + replacement + chars[position + 1 :])


def adjacent_swaps(number: str):
    chars = symbols(number)
    for position in range(len(chars) - 1):
        if chars[position] != chars[position + 1]:
            swapped = (
                chars[:position] + chars[position + 1] + chars[position] + chars[position + 2 :]
            )
            yield display(swapped)


[KNOWN] = completions("7KQM3XHPRW2")


# --- Form ------------------------------------------------------------------------


def test_the_alphabet_leaves_out_symbols_confused_when_read_aloud():
    assert not set(CONFUSABLE) & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 31


def test_a_new_number_is_three_groups_of_four_alphabet_symbols():
    for _ in range(1000):
        number = tracking.generate()

        assert DISPLAY_FORM.match(number), number
        assert len(number) == tracking.DISPLAY_LENGTH == 14
        assert not set(CONFUSABLE) & set(number)


def test_the_display_form_fits_the_model_field():
    max_length = Complaint._meta.get_field("tracking_number").max_length
    assert max_length is not None and max_length >= tracking.DISPLAY_LENGTH


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n.lower(),
        lambda n: n.replace("-", ""),
        lambda n: n.replace("-", " "),
        lambda n: f"  {n.replace('-', '').lower()}  ",
        lambda n: " ".join(symbols(n)),
        lambda n: n.replace("-", " - "),
    ],
    ids=["lower-case", "no-dashes", "spaces", "padded-lower", "spelled-out", "spaced-dashes"],
)
def test_normalize_forgives_case_spaces_and_dashes(typed):
    assert tracking.normalize(typed(KNOWN)) == KNOWN


@pytest.mark.parametrize(
    "text",
    [
        "",
        symbols(KNOWN)[:-1],
        symbols(KNOWN) + "2",
        KNOWN.replace(symbols(KNOWN)[0], "0", 1),
        KNOWN.replace(symbols(KNOWN)[0], "O", 1),
        KNOWN.replace(symbols(KNOWN)[0], "#", 1),
    ],
    ids=["empty", "too-short", "too-long", "zero", "letter-o", "punctuation"],
)
def test_normalize_refuses_a_wrong_length_or_foreign_symbol(text):
    with pytest.raises(tracking.InvalidTrackingNumber):
        tracking.normalize(text)
    assert not tracking.is_valid(text)


# --- Typos are caught -------------------------------------------------------------


def test_every_single_symbol_typo_in_a_number_is_caught():
    accepted = [typo for typo in substitutions(KNOWN) if tracking.is_valid(typo)]

    assert accepted == []
    assert len(list(substitutions(KNOWN))) == 12 * 30


def test_every_swap_of_two_neighbouring_symbols_is_caught():
    swaps = list(adjacent_swaps(KNOWN))

    assert swaps, "the example number has neighbouring distinct symbols"
    assert [swap for swap in swaps if tracking.is_valid(swap)] == []


@settings(max_examples=300, database=None, deadline=None)
@given(body=bodies)
def test_every_body_has_exactly_one_check_symbol(body):
    assert len(completions(body)) == 1


@settings(max_examples=300, database=None, deadline=None)
@given(
    body=bodies,
    position=st.integers(min_value=0, max_value=11),
    replacement=st.sampled_from(ALPHABET),
)
def test_a_single_symbol_typo_is_caught_in_any_number(body, position, replacement):
    [number] = completions(body)
    chars = symbols(number)
    if chars[position] == replacement:
        replacement = ALPHABET[(ALPHABET.index(replacement) + 1) % len(ALPHABET)]
    typo = chars[:position] + replacement + chars[position + 1 :]

    assert not tracking.is_valid(typo)


@settings(max_examples=300, database=None, deadline=None)
@given(body=bodies)
def test_a_swap_of_neighbours_is_caught_in_any_number(body):
    [number] = completions(body)

    assert [swap for swap in adjacent_swaps(number) if tracking.is_valid(swap)] == []


# --- Unique and unguessable -------------------------------------------------------


def test_ten_thousand_new_numbers_are_unique_and_valid():
    numbers = [tracking.generate() for _ in range(10_000)]

    assert len(set(numbers)) == len(numbers)
    assert all(tracking.normalize(number) == number for number in numbers)


def test_a_number_carries_at_least_50_bits_of_randomness():
    bits = tracking._RANDOM_SYMBOLS * math.log2(len(tracking.ALPHABET))

    assert bits >= 50


def test_every_random_symbol_is_drawn_from_secrets(monkeypatch):
    draws: list[str] = []

    def recording_choice(sequence):
        draws.append(sequence)
        return sequence[len(draws) % len(sequence)]

    monkeypatch.setattr(tracking.secrets, "choice", recording_choice)

    number = tracking.generate()

    assert draws == [ALPHABET] * tracking._RANDOM_SYMBOLS
    assert symbols(number)[:-1] == "".join(ALPHABET[i % 31] for i in range(1, 12))


def test_a_complaints_number_comes_from_the_random_source_not_its_id(db, monkeypatch):
    monkeypatch.setattr(tracking.secrets, "choice", lambda sequence: "Z")

    first = make_complaint()
    [expected] = completions("Z" * 11)
    assert first.tracking_number == expected


def test_two_complaints_in_a_row_have_unrelated_numbers(db):
    first = make_complaint()
    second = make_complaint()

    a, b = symbols(first.tracking_number)[:-1], symbols(second.tracking_number)[:-1]
    # A counter or an encoded id would differ in one or two places; two random
    # draws share more than 7 of 11 symbols with a chance below 1e-9.
    assert sum(x != y for x, y in zip(a, b, strict=True)) >= 4


# --- Collisions -------------------------------------------------------------------


def test_a_number_already_taken_is_drawn_again(db, monkeypatch, caplog):
    taken = make_complaint().tracking_number
    fresh = next(n for n in iter(tracking.generate, None) if n != taken)
    draws = iter([taken, fresh])
    monkeypatch.setattr(tracking, "generate", lambda: next(draws))

    complaint = make_complaint(email="mehmet@example.com")

    assert complaint.tracking_number == fresh
    assert Complaint.objects.get(tracking_number=fresh) == complaint
    assert Complaint.objects.count() == 2
    assert "collision" in caplog.text


def test_when_every_draw_collides_the_submission_fails_and_nothing_is_saved(db, monkeypatch):
    taken = make_complaint().tracking_number
    monkeypatch.setattr(tracking, "generate", lambda: taken)

    with pytest.raises(RuntimeError):
        make_complaint(email="mehmet@example.com")

    assert Complaint.objects.count() == 1
    assert not Customer.objects.filter(email="mehmet@example.com").exists()


# --- Looking a complaint up by its number -----------------------------------------


def test_a_complaint_is_found_by_its_number_however_it_is_typed(db):
    complaint = make_complaint()

    typed = symbols(complaint.tracking_number).lower()

    assert complaint_get_by_tracking_number(f" {typed} ") == complaint


def test_a_mistyped_number_is_refused_before_any_query(db, django_assert_num_queries):
    complaint = make_complaint()
    [typo, *_] = substitutions(complaint.tracking_number)

    with django_assert_num_queries(0):
        assert complaint_get_by_tracking_number(typo) is None
