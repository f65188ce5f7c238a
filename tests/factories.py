"""factory_boy factories shared by the whole suite."""

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from complaints.models import Category, Channel, Complaint, Customer, Kind, RootCause
from complaints.services import complaint_submit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pass-for-tests-1")

    @factory.post_generation
    def groups(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:  # the user
        for name in extracted or ():
            obj.groups.add(Group.objects.get(name=name))
        if create:
            obj.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name", locale="tr_TR")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")


def category(code: str = "financial") -> Category:
    return Category.objects.get(code=code)


def root_cause(code: str = "process") -> RootCause:
    return RootCause.objects.get(code=code)


def make_complaint(**overrides: Any) -> Complaint:
    """A complaint recorded through the intake path (so it has its history)."""
    fields: dict[str, Any] = {
        "kind": Kind.COMPLAINT,
        "channel": Channel.WEB,
        "subject": "İnternet bağlantım kesiliyor",
        "description": "Üç gündür akşamları bağlantı kopuyor.",
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.com",
        "phone": "",
        "language": "tr",
    }
    fields.update(overrides)
    return complaint_submit(**fields)
