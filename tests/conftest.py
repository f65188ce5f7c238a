import pytest

from tests.factories import UserFactory


@pytest.fixture
def agent(db):
    return UserFactory(username="agent", groups=["Agent"])


@pytest.fixture
def representative(db):
    return UserFactory(username="rep", groups=["Representative"])


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", groups=["Manager"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def outsider(db):
    """A staff account in no group: may log in, may do nothing."""
    return UserFactory(username="outsider")
