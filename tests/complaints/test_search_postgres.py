"""The search on PostgreSQL (issue 15): Turkish letters fold so that a word
typed without them still matches, suffixed forms match their stem, and each
kind of term is answered by its index (migrations 0020 and 0021: the words are
matched against the stored document, complaints.search.DOCUMENT_COLUMN)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint
from complaints.search import complaint_search, complaint_search_found, fold
from tests.factories import make_complaint

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def found(term: str) -> set[int]:
    return set(complaint_search(Complaint.objects.all(), term).values_list("pk", flat=True))


def test_turkish_letters_are_optional_and_case_follows_turkish_capitals():
    light = make_complaint(subject="IŞIK SÖNÜYOR", description="Şikâyetim: İNTERNET yok.")
    other = make_complaint(subject="Modem", description="Çağrı merkezi", email="o@example.com")
    for typed in ("ışık", "isik", "IŞIK", "şikayet", "sikayetim", "ŞİKÂYET", "internet", "sönüyor"):
        assert found(typed) == {light.pk}, typed
    assert found("cagri merkezi") == {other.pk}
    assert found("ÇAĞRI") == {other.pk}


def test_a_word_finds_its_suffixed_forms():
    bill = make_complaint(subject="Faturamda fazla ücret var", description="Faturası geç geldi.")
    assert found("fatura") == {bill.pk}
    assert found("faturası") == {bill.pk}
    assert found("ucret fazla") == {bill.pk}


def _plan(term: str) -> str:
    """The plans of every query the search asks (a rare word's ids first) and
    of the list it returns."""
    with connection.cursor() as cursor:
        # A tiny table is cheaper to read whole: forbid that, so the plan shows
        # whether the index can answer the query at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as asked:
        queryset = complaint_search(
            Complaint.objects.select_related("customer", "category", "assignee"), term
        ).order_by("-received_at", "-id")[:50]
    plans = [str(queryset.explain()) if queryset.query.where else ""]
    with connection.cursor() as cursor:
        for query in asked.captured_queries:
            if query["sql"].startswith("SELECT"):
                cursor.execute(f"EXPLAIN {query['sql']}")
                plans += [row[0] for row in cursor.fetchall()]
    return "\n".join(plans)


@pytest.mark.parametrize(
    ("term", "index"),
    [
        ("fatura modem", "complaint_search_document"),
        ("ayse@example.com", "complaint_contact_email_lower"),
        ("ayse@", "complaint_contact_email_lower"),
        ("0532 123 45 67", "complaint_contact_phone"),
    ],
)
def test_each_kind_of_search_is_answered_by_its_index(term, index):
    make_complaint()
    make_complaint(email="", phone="0532 123 45 67")
    assert index in _plan(term)


@pytest.mark.parametrize("few", [1, 5])
def test_few_matches_listed_by_id_and_many_by_the_match_find_the_same(monkeypatch, few):
    from complaints import search

    monkeypatch.setattr(search, "FEW_MATCHES", few)
    bills = {make_complaint(subject="Fatura", email=f"f{i}@example.com").pk for i in range(3)}
    make_complaint(subject="Modem", email="m@example.com")
    assert found("fatura") == bills


def test_the_stored_document_follows_an_edited_text():
    complaint = make_complaint(subject="Modem", description="Kutusu hasarlı.")
    Complaint.objects.filter(pk=complaint.pk).update(description="Fatura yanlış.")
    assert found("hasarli") == set()
    assert found("yanlis fatura") == {complaint.pk}


def test_the_stored_document_is_the_text_folded_as_the_search_folds_what_is_typed():
    # The database folds the text (translate, then its lower()), Python folds the
    # words typed (search.fold): a letter the two folded apart would find nothing.
    complaint = make_complaint(
        subject="IŞIK İnternet ÇAĞRI", description="Şikâyet: ÖDEME ÜCRET ılık.", name="Ayşe Işık"
    )
    complaint.refresh_from_db()
    text = f"{complaint.subject} {complaint.description} {complaint.contact_name}"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_document = to_tsvector('simple'::regconfig, %s) "
            "FROM complaints_complaint WHERE id = %s",
            [fold(text), complaint.pk],
        )
        assert cursor.fetchone() == (True,)


def test_a_common_word_tells_that_it_stopped_reading_and_a_rare_one_how_many_it_read(
    monkeypatch,
):
    from complaints import search

    monkeypatch.setattr(search, "FEW_MATCHES", 2)
    for i in range(3):
        make_complaint(subject="Fatura", email=f"f{i}@example.com")
    make_complaint(subject="Modem", email="m@example.com")
    common = complaint_search_found(Complaint.objects.all(), "fatura")
    assert (common.count, common.more_than) == (None, 2)
    assert common.queryset.count() == 3
    rare = complaint_search_found(Complaint.objects.all(), "modem")
    assert (rare.count, rare.more_than) == (1, 0)
