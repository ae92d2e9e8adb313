from __future__ import annotations

import factory

from langso.places.tests.factories import VillageFactory
from langso.teams.models import Team, TeamMember


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    village = factory.SubFactory(VillageFactory)
    commune = factory.LazyAttribute(lambda o: o.village.commune)
    province = factory.LazyAttribute(lambda o: o.village.commune.province)
    name = factory.Sequence(lambda n: f"Tổ công nghệ số {n + 1}")


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    full_name = factory.Sequence(lambda n: f"Lò Thị Thành Viên {n}")
