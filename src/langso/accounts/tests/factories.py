from __future__ import annotations

from typing import Any

import factory

from langso.accounts.models import Role, RoleAssignment, User

PASSWORD = "Mat-khau-dai-2025!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Cán bộ {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        if create:
            obj.save()


def user_with_role(
    role: str, *, province: Any = None, commune: Any = None, village: Any = None, **kwargs: Any
) -> User:
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=role, province=province, commune=commune, village=village)
    return user


def commune_officer(commune: Any, **kwargs: Any) -> User:
    return user_with_role(Role.COMMUNE_OFFICER, commune=commune, **kwargs)
