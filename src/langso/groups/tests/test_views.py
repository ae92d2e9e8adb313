"""The group-session and invitation pages, through the web client."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from langso.groups import invitations, services
from langso.groups.models import GroupSession, Invitation
from langso.skills.models import Evidence, SkillRecord

pytestmark = pytest.mark.django_db


def test_a_leader_finds_people_without_diacritics_and_keeps_those_already_ticked(client, world):
    client.force_login(world["leader"])
    people = world["people"]
    url = f"/groups/new/?commune={world['commune'].code}"
    response = client.post(
        url,
        {
            "session_id": str(uuid.uuid4()),
            "held_on": timezone.localdate().isoformat(),
            "place_kind": "cultural_house",
            "organiser_kind": "team",
            "village": str(world["village"].pk),
            "present": [str(people[0].pk)],
            "q": "lo thi mai 3",
            "action": "search",
        },
    )
    assert response.status_code == 200
    shown = [p.pk for p in response.context["people"]]
    assert shown == [people[7].pk]  # "Lò Thị Mai 3", found typed without diacritics
    assert str(people[0].pk) in response.context["hidden_ticked"]  # ticked before, kept


def test_recording_a_session_on_the_web_writes_skill_records_and_shows_the_page(client, world):
    client.force_login(world["leader"])
    people = world["people"]
    session_id = uuid.uuid4()
    response = client.post(
        f"/groups/new/?commune={world['commune'].code}",
        {
            "session_id": str(session_id),
            "held_on": timezone.localdate().isoformat(),
            "place_kind": "school",
            "place_name": "Trường tiểu học Nghĩa Tá",
            "organiser_kind": "youth_union",
            "village": str(world["village"].pk),
            "present": [str(p.pk) for p in people[:3]],
            "skill": ["vneid_level2"],
            "level-vneid_level2": "2",
            f"fix-{people[0].pk}-vneid_level2": "4",
            "wi0_name": "Ma Thị Sinh",
            "wi0_year": "1958",
            "wi0_sex": "F",
            "wi0_village": str(world["other"].pk),
            "action": "save",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{session_id}/"
    assert SkillRecord.objects.filter(evidence=Evidence.GROUP).count() == 3
    assert SkillRecord.objects.get(resident=people[0]).level == 4
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ma Thị Sinh" in text and "Nà Pục" in text and people[1].full_name in text
    # A second submit of the same form (a double tap) stores nothing more.
    client.post(
        f"/groups/new/?commune={world['commune'].code}",
        {"session_id": str(session_id), "action": "save"},
    )
    assert GroupSession.objects.count() == 1


def test_a_form_with_nobody_present_says_so_and_writes_nothing(client, world):
    client.force_login(world["leader"])
    response = client.post(
        f"/groups/new/?commune={world['commune'].code}",
        {
            "session_id": str(uuid.uuid4()),
            "held_on": timezone.localdate().isoformat(),
            "place_kind": "cultural_house",
            "organiser_kind": "team",
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert "Đánh dấu ít nhất một người đã đến." in response.content.decode()
    assert not GroupSession.objects.exists()


def test_an_invitation_by_rule_gives_a_message_with_the_guide_link_and_a_printable_list(client, world):
    client.force_login(world["leader"])
    response = client.post(
        f"/groups/invitations/new/?commune={world['commune'].code}",
        {
            "village": str(world["village"].pk),
            "title": "Học cài VNeID mức 2",
            "rule": "not_vneid2",
            "planned_on": timezone.localdate().isoformat(),
            "place": "Nhà văn hóa bản Cọ",
            "guide_slug": "vneid_level2",
            "action": "save",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "/guides/vneid_level2/" in page and "<svg" in page and 'id="share-button"' in page
    printed = client.get(f"/groups/invitations/{invitation.pk}/print/").content.decode()
    assert printed.count("☐") == 10
    assert "HOÀNG VĂN PÁO 0" in printed


def test_pages_of_another_commune_answer_404(client, world):
    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import PHU_XUAN_DL, commune

    invitation = invitations.invitation_create(
        acting_user=world["leader"],
        rule=invitations.InvitationRule(invitations.Rule.ADULTS, village_id=world["village"].pk),
        title="Buổi học",
    )
    session, _ = services.session_record(
        acting_user=world["leader"],
        data=services.SessionInput(
            id=uuid.uuid4(),
            commune_code=world["commune"].code,
            held_on=timezone.localdate(),
            place_kind="cultural_house",
            organiser_kind="team",
            attendees=(services.Attendee(world["people"][0].pk),),
        ),
    )
    client.force_login(commune_officer(commune(PHU_XUAN_DL)))
    for url in (
        f"/groups/{session.pk}/",
        f"/groups/invitations/{invitation.pk}/",
        f"/groups/invitations/{invitation.pk}/print/",
    ):
        assert client.get(url).status_code == 404
    assert client.get(f"/groups/new/?commune={world['commune'].code}").status_code == 404
