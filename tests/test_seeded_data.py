"""What the migrations seed is there for every test, transactional ones included.

Transactional tests end with a flush of every table; they are marked
``serialized_rollback=True`` so the seeded categories, root causes and groups
come back for the next one. This test runs after them (pytest-django orders
transactional tests last, this file is collected last).
"""

import pytest
from django.contrib.auth.models import Group

from complaints.models import Category, RootCause


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seeded_categories_root_causes_and_groups_survive_transactional_tests():
    assert Category.objects.count() == 12
    assert RootCause.objects.exists()
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Agent",
        "Representative",
        "Manager",
    }
    assert Group.objects.get(name="Manager").permissions.filter(codename="view_dashboard").exists()
