"""Searching complaints (issue 15): one rule for the admin list and the staff
API (complaints.search), each kind of term on an index. These run on SQLite
and PostgreSQL alike; the Turkish folding and the plans are PostgreSQL's
(test_search_postgres.py)."""

import pytest

from complaints.models import Complaint, Customer
from complaints.search import complaint_search, search_words, tsquery_of
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/complaints/complaint/"
API = "/api/v1/complaints/"


def found(term: str) -> set[int]:
    return set(complaint_search(Complaint.objects.all(), term).values_list("pk", flat=True))


@pytest.fixture
def some():
    modem = make_complaint(
        subject="Modem arızası giderilmedi",
        description="Teknisyen gelmedi.",
        name="Mehmet Öz",
        email="Mehmet.Oz@Example.com",
    )
    bill = make_complaint(
        subject="Faturamda fazla ücret var",
        description="Geçen ayın faturası iki kat geldi.",
        name="Zeynep Kaya",
        email="zeynep@example.com",
    )
    phone = make_complaint(email="", phone="0532 123 45 67", name="Ali Veli")
    return modem, bill, phone


def test_a_tracking_number_typed_loosely_finds_only_that_complaint(some):
    modem = some[0]
    typed = modem.tracking_number.replace("-", " ").lower()
    assert found(typed) == {modem.pk}


def test_an_email_address_finds_the_contact_as_given_whatever_its_case(some):
    modem = some[0]
    assert found("MEHMET.OZ@example.com") == {modem.pk}
    assert found("mehmet.oz@") == {modem.pk}
    assert found("nobody@example.com") == set()


def test_an_email_address_also_finds_complaints_recorded_under_that_customer(some):
    modem, bill, _ = some
    # The customer record says one address, the complaint was given with another.
    Customer.objects.filter(pk=bill.customer_id).update(email="zk@example.com")
    assert found("zk@example.com") == {bill.pk}
    assert modem.pk not in found("zk@example.com")


def test_a_phone_number_in_any_form_finds_the_contact_as_given(some):
    phone = some[2]
    for typed in ("0532 123 45 67", "+90 532 123 4567", "905321234567", "(0532) 123-45-67"):
        assert found(typed) == {phone.pk}, typed
    assert found("0532 999 88 77") == set()


def test_words_must_each_begin_a_word_of_the_subject_description_or_name(some):
    modem, bill, _ = some
    assert found("modem") == {modem.pk}
    assert found("teknisyen") == {modem.pk}
    assert found("mehmet") == {modem.pk}
    assert found("fatura") == {bill.pk}  # "Faturamda", "faturası"
    assert found("fatura modem") == set()
    assert found("zzyzx") == set()


def test_punctuation_alone_finds_nothing_and_query_syntax_is_only_text(some):
    assert found("!!! ???") == set()
    assert search_words("a & b | !c:* 'd'") == ["a", "b", "c", "d"]
    assert tsquery_of(["a", "fatura"]) == "a & fatura:*"


def test_the_admin_search_box_and_the_api_answer_the_same(client, agent, some):
    modem, bill, phone = some
    client.force_login(agent)
    for term, expected in (
        ("modem", {modem}),
        ("zeynep@example", {bill}),
        ("0532 123 45 67", {phone}),
        (bill.tracking_number, {bill}),
    ):
        listed = client.get(CHANGELIST, {"q": term}).context["cl"].result_list
        rows = client.get(API, {"search": term}).json()["results"]
        assert set(listed) == expected, term
        assert {row["id"] for row in rows} == {c.pk for c in expected}, term
