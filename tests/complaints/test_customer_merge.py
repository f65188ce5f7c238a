"""Staff merge customer records deliberately, in the admin, recorded in the
history of every complaint moved (issue 8 item 2)."""

from __future__ import annotations

import importlib
import threading
import time

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from complaints import codes
from complaints.history import action_label
from complaints.models import Complaint, ComplaintEvent, Customer
from complaints.services import customer_merge, submission
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/complaints/customer/"


@pytest.fixture
def pair():
    """Two records of (possibly) one person: the same phone, different e-mails."""
    kept = make_complaint(name="Ayşe Yılmaz", email="", phone="05321234567")
    other = make_complaint(name="Ayşe Y.", email="ayse@example.com", phone="05321234567")
    again = make_complaint(name="Ayşe Y.", email="ayse@example.com", phone="05321234567")
    assert other.customer == again.customer != kept.customer
    return kept, other, again


def test_merging_moves_the_complaints_and_records_the_merged_details(pair, representative):
    kept, other, again = pair
    merged_away = model_to_dict(other.customer)
    before = model_to_dict(kept.customer)

    moved = customer_merge(customer=other.customer, into=kept.customer, actor=representative)

    assert moved == 2
    assert set(Complaint.objects.values_list("customer", flat=True)) == {kept.customer_id}
    assert not Customer.objects.filter(pk=other.customer_id).exists()
    assert model_to_dict(Customer.objects.get(pk=kept.customer_id)) == before
    for complaint in (other, again):
        event = ComplaintEvent.objects.get(complaint=complaint, action=codes.CUSTOMER_MERGED)
        assert event.actor == representative
        assert event.data["merged_customer"] == {
            "id": merged_away["id"],
            "name": "Ayşe Y.",
            "email": "ayse@example.com",
            "phone": "+905321234567",
            "language": "tr",
            "created_at": other.customer.created_at.isoformat(),
        }
        assert event.data["into_customer"]["id"] == kept.customer_id
        assert (event.from_stage, event.to_stage) == ("", "")  # not a stage change
    # The complaints keep their contacts as given.
    assert Complaint.objects.get(pk=other.pk).contact_email == "ayse@example.com"
    assert not ComplaintEvent.objects.filter(complaint=kept, action=codes.CUSTOMER_MERGED).exists()


def test_the_merge_code_is_declared_with_a_readable_name():
    assert codes.CUSTOMER_MERGED == "complaints.customer.merged"
    assert action_label(codes.CUSTOMER_MERGED) != codes.CUSTOMER_MERGED


def test_merging_is_refused_without_the_permission(pair, agent):
    kept, other, _ = pair
    with pytest.raises(PermissionDenied):
        customer_merge(customer=other.customer, into=kept.customer, actor=agent)
    assert Customer.objects.count() == 2
    assert not ComplaintEvent.objects.filter(action=codes.CUSTOMER_MERGED).exists()


def test_a_record_cannot_be_merged_into_itself(pair, representative):
    kept, _, _ = pair
    with pytest.raises(ValidationError):
        customer_merge(customer=kept.customer, into=kept.customer, actor=representative)


def test_a_record_merged_meanwhile_is_refused(pair, representative):
    kept, other, _ = pair
    stale = Customer.objects.get(pk=other.customer_id)
    customer_merge(customer=other.customer, into=kept.customer, actor=representative)
    with pytest.raises(ValidationError):
        customer_merge(customer=stale, into=kept.customer, actor=representative)


def test_representatives_and_managers_may_merge_and_agents_may_not():
    def can(group: str) -> bool:
        return Group.objects.get(name=group).permissions.filter(codename="merge_customer").exists()

    assert (can("Representative"), can("Manager"), can("Agent")) == (True, True, False)


# --- In the admin: chosen, then confirmed ------------------------------------------


def _action(pair, **extra):
    kept, other, _ = pair
    return {
        "action": "merge",
        "_selected_action": [kept.customer_id, other.customer_id],
        **extra,
    }


def test_the_admin_asks_for_confirmation_before_merging(client, pair, manager):
    client.force_login(manager)

    response = client.post(CHANGELIST, {**_action(pair), "index": 0}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Merge customer records" in page
    assert "The records differ in: name, e-mail." in page
    assert Customer.objects.count() == 2  # nothing merged yet


def test_the_admin_merges_into_the_record_chosen_once_confirmed(client, pair, manager):
    kept, other, _ = pair
    client.force_login(manager)

    response = client.post(
        CHANGELIST, _action(pair, confirm="yes", into=other.customer_id), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 302
    assert set(Complaint.objects.values_list("customer", flat=True)) == {other.customer_id}
    event = ComplaintEvent.objects.get(action=codes.CUSTOMER_MERGED)
    assert (event.complaint_id, event.actor) == (kept.pk, manager)
    assert event.data["merged_customer"]["name"] == "Ayşe Yılmaz"


def test_the_admin_does_not_offer_merging_without_the_permission(client, pair, agent):
    client.force_login(agent)

    page = client.get(CHANGELIST).content.decode()
    response = client.post(CHANGELIST, _action(pair, confirm="yes", into=pair[0].customer_id))

    assert 'value="merge"' not in page
    assert response.status_code in (200, 302)  # the list again, nothing done
    assert Customer.objects.count() == 2
    assert not ComplaintEvent.objects.filter(action=codes.CUSTOMER_MERGED).exists()


def test_merging_a_single_record_is_refused_with_a_message(client, pair, manager):
    client.force_login(manager)
    response = client.post(
        CHANGELIST,
        {"action": "merge", "_selected_action": [pair[0].customer_id], "index": 0},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Select between two and 20 customer records to merge." in response.content.decode()
    assert Customer.objects.count() == 2


def test_customer_records_are_never_deleted_in_the_admin(client, pair, superuser):
    client.force_login(superuser)
    page = client.get(CHANGELIST).content.decode()
    assert 'value="delete_selected"' not in page


# --- A complaint arriving while its record is merged away ----------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_complaint_filed_under_a_record_being_merged_moves_with_it(monkeypatch):
    kept = make_complaint(name="Ayşe Yılmaz", email="", phone="05321234567")
    other = make_complaint(name="Ayşe Y.", email="ayse@example.com", phone="05321234567")
    held = threading.Event()
    original = submission.customer_get_or_create

    def slow(**kwargs):
        customer = original(**kwargs)
        held.set()
        time.sleep(0.5)  # the merge starts meanwhile, and must wait
        return customer

    monkeypatch.setattr(submission, "customer_get_or_create", slow)
    errors: list[BaseException] = []
    filed: list[Complaint] = []

    def arrive() -> None:
        try:
            filed.append(make_complaint(name="Ayşe Y.", email="ayse@example.com", phone=""))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def merge() -> None:
        try:
            held.wait(5)
            customer_merge(customer=other.customer, into=kept.customer, actor=None)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=arrive), threading.Thread(target=merge)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    (new,) = filed
    assert set(Complaint.objects.values_list("customer", flat=True)) == {kept.customer_id}
    assert ComplaintEvent.objects.filter(complaint=new, action=codes.CUSTOMER_MERGED).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_complaint_arriving_while_its_record_is_merged_away_gets_a_live_record():
    """The merge holds the record and removes it; the complaint arriving meanwhile
    waits for the merge to commit, then is filed under a record that exists: the
    removed one is no longer among those it matches."""
    kept = make_complaint(name="Ayşe Yılmaz", email="", phone="05321234567")
    other = make_complaint(name="Ayşe Y.", email="ayse@example.com", phone="05321234567")
    merged = threading.Event()
    errors: list[BaseException] = []
    filed: list[Complaint] = []
    committed_at: list[float] = []
    filed_at: list[float] = []

    def merge() -> None:
        try:
            with transaction.atomic():
                customer_merge(customer=other.customer, into=kept.customer, actor=None)
                merged.set()
                time.sleep(0.5)  # the complaint arrives meanwhile, and must wait
            committed_at.append(time.monotonic())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def arrive() -> None:
        try:
            merged.wait(5)
            filed.append(make_complaint(name="Ayşe Y.", email="ayse@example.com", phone=""))
            filed_at.append(time.monotonic())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=merge), threading.Thread(target=arrive)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    (new,) = filed
    assert filed_at[0] >= committed_at[0]  # it waited for the merge
    assert not Customer.objects.filter(pk=other.customer_id).exists()
    # A record of its own: the one merged into lacks the e-mail address given.
    assert new.customer_id not in (other.customer_id, kept.customer_id)
    assert Customer.objects.get(pk=new.customer_id).email == "ayse@example.com"


def test_the_record_matched_is_found_and_held_in_one_statement():
    """Intake reads the records sharing the details and locks them in one query."""
    first = make_complaint(name="Ayşe Y.", email="ayse@example.com", phone="")
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        found = submission.customer_get_or_create(
            name="AYŞE Y.", email="ayse@example.com", language="tr"
        )
    assert found == first.customer
    [query] = captured.captured_queries
    if connection.vendor == "postgresql":
        assert query["sql"].endswith("FOR NO KEY UPDATE")


# --- The data migration --------------------------------------------------------------


def test_the_migration_gives_existing_complaints_their_customer_record_s_name():
    migration = importlib.import_module(
        "complaints.migrations.0004_contact_as_given_and_customer_merge"
    )
    complaint = make_complaint(name="Ayşe Yılmaz")
    Complaint.objects.filter(pk=complaint.pk).update(contact_name="")

    migration.fill_contact_name(apps, None)

    assert Complaint.objects.get(pk=complaint.pk).contact_name == "Ayşe Yılmaz"
