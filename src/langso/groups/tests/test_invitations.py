"""Invitation lists by rule: who a rule picks, frozen when made, within the user's units."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from langso.core.models import AuditEntry
from langso.groups import invitations
from langso.groups.invitations import InvitationRule, Rule
from langso.groups.models import InvitedPerson
from langso.registry.tests.factories import ResidentFactory
from langso.skills import services as skill_services
from langso.teams import services as team_services
from langso.teams.models import HelpDeskOutcome

pytestmark = pytest.mark.django_db


def picked(world, rule, user=None):
    return set(invitations.invitees(user=user or world["leader"], rule=rule).values_list("pk", flat=True))


def test_adults_of_a_village_not_yet_vneid_level2_leave_out_those_who_have_it_by_any_source(world):
    people = world["people"]
    leader = world["leader"]
    # Reached the skill "can do alone" (a quiz or an observation), done at a visit, done at the desk.
    skill_services.skill_record_add(
        acting_user=leader, resident=people[0], skill_code="vneid_level2", level=3
    )
    skill_services.skill_record_add(
        acting_user=leader, resident=people[1], skill_code="vneid_level2", level=2
    )
    team_services.visit_record(
        acting_user=leader,
        data=team_services.VisitInput(
            id=__import__("uuid").uuid4(),
            household_id=people[2].household_id,
            visited_on=timezone.localdate(),
            present=(people[2].pk,),
            services=(team_services.ServiceDone("vneid_level2", people[2].pk),),
        ),
    )
    team_services.helpdesk_record(
        acting_user=world["officer"],
        data=team_services.HelpDeskInput(
            id=__import__("uuid").uuid4(),
            commune_code=world["commune"].code,
            helped_on=timezone.localdate(),
            procedure="vneid_level2",
            outcome=HelpDeskOutcome.DONE,
            minutes=20,
            resident_id=people[3].pk,
        ),
    )
    # A service noted for a household (no person) and a walk-in at the desk must not hide everyone.
    team_services.visit_record(
        acting_user=leader,
        data=team_services.VisitInput(
            id=__import__("uuid").uuid4(),
            household_id=people[4].household_id,
            visited_on=timezone.localdate(),
            services=(team_services.ServiceDone("vneid_level2", None),),
        ),
    )
    team_services.helpdesk_record(
        acting_user=world["officer"],
        data=team_services.HelpDeskInput(
            id=__import__("uuid").uuid4(),
            commune_code=world["commune"].code,
            helped_on=timezone.localdate(),
            procedure="vneid_level2",
            outcome=HelpDeskOutcome.DONE,
            minutes=10,
            walk_in_name="Ma Văn Khách",
        ),
    )
    chosen = picked(world, InvitationRule(Rule.NOT_VNEID2, village_id=world["village"].pk))
    # people[1] is only "with help": still invited. The child and the other village are not.
    assert chosen == {p.pk for p in people if p not in people[:1] + people[2:4]}
    assert world["child"].pk not in chosen and world["far"].pk not in chosen


def test_adults_missing_a_skill_and_all_adults(world):
    people = world["people"]
    skill_services.skill_record_add(
        acting_user=world["leader"], resident=people[5], skill_code="qr_payment", level=4
    )
    missing = picked(
        world, InvitationRule(Rule.MISSING_SKILL, village_id=world["village"].pk, skill_code="qr_payment")
    )
    assert missing == {p.pk for p in people} - {people[5].pk}
    everyone = picked(world, InvitationRule(Rule.ADULTS, village_id=world["village"].pk))
    assert everyone == {p.pk for p in people}


def test_a_household_list_invites_the_adults_of_those_households(world):
    households = world["households"][:2]
    rule = InvitationRule(Rule.HOUSEHOLDS, household_ids=tuple(h.pk for h in households))
    assert picked(world, rule) == {p.pk for p in world["people"][:4]}


def test_a_person_with_only_a_birth_year_counts_by_that_year(world):
    eighteen = ResidentFactory(
        household=world["households"][1],
        full_name="LÒ VĂN TUẤN",
        birth_year=timezone.localdate().year - 18,
        cccd=None,
    )
    seventeen = ResidentFactory(
        household=world["households"][1],
        full_name="LÒ VĂN TÚ",
        birth_year=timezone.localdate().year - 17,
        cccd=None,
    )
    chosen = picked(world, InvitationRule(Rule.ADULTS, village_id=world["village"].pk))
    assert eighteen.pk in chosen and seventeen.pk not in chosen


def test_a_rule_never_reaches_beyond_the_users_units(world):
    rule = InvitationRule(Rule.ADULTS, village_id=world["other"].pk)
    assert picked(world, rule) == set()  # the leader's role is at Cọ, not Nà Pục
    assert picked(world, rule, user=world["officer"]) == {world["far"].pk}


def test_an_invitation_freezes_the_list_and_is_audited(world):
    invitation = invitations.invitation_create(
        acting_user=world["leader"],
        rule=InvitationRule(Rule.NOT_VNEID2, village_id=world["village"].pk),
        title="  Học   cài VNeID mức 2 ",
        planned_on=timezone.localdate(),
        place="Nhà văn hóa bản Cọ",
        guide_slug="vneid_level2",
    )
    assert invitation.title == "Học cài VNeID mức 2"
    assert InvitedPerson.objects.filter(invitation=invitation).count() == 10
    # Someone reaching the skill later does not change who was invited.
    skill_services.skill_record_add(
        acting_user=world["leader"], resident=world["people"][0], skill_code="vneid_level2", level=3
    )
    assert InvitedPerson.objects.filter(invitation=invitation).count() == 10
    assert AuditEntry.objects.filter(object_id=str(invitation.pk)).exists()
    message = invitations.share_message(
        invitation, guide_url="https://langso.example.vn/guides/vneid_level2/"
    )
    assert "Nhà văn hóa bản Cọ" in message and "/guides/vneid_level2/" in message
    assert "HOÀNG" not in message  # no names in a group chat


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (InvitationRule(Rule.ADULTS), "village"),
        (InvitationRule(Rule.HOUSEHOLDS), "households"),
        (InvitationRule(Rule.MISSING_SKILL, village_id=None), "village"),
        (InvitationRule("everyone_ever"), "rule"),
    ],
)
def test_an_incomplete_rule_gets_a_clear_message(world, rule, field):
    with pytest.raises(ValidationError) as error:
        invitations.invitation_create(acting_user=world["leader"], rule=rule, title="Buổi học")
    assert field in error.value.message_dict


def test_a_rule_that_picks_nobody_makes_no_list(world):
    with pytest.raises(ValidationError) as error:
        invitations.invitation_create(
            acting_user=world["leader"],
            rule=InvitationRule(Rule.ADULTS, village_id=world["other"].pk),
            title="Buổi học",
        )
    assert "rule" in error.value.message_dict
