"""Every main page works on a 360×740 phone: nothing scrolls sideways, for a commune officer with data.

With LANGSO_SCREENSHOTS=1 (`make screenshots`) the test also writes the README's screenshots to
docs/screenshots/; an ordinary run writes nothing.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser.helpers import PHONE, ROOT, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = ROOT / "docs" / "screenshots"
# The pages whose pictures the README and the docs use.
SCREENSHOT_PAGES = {
    "home",
    "residents",
    "resident",
    "households",
    "import",
    "guide",
    "teams",
    "skills-numbers",
    "dashboard",
}

# (full name, sex, birth year, CCCD, phone): long names and long numbers are the ones that overflow.
PEOPLE = [
    ("Hoàng Văn Tuấn", "male", 1962, "019062001234", "0912345678"),
    ("Nguyễn Thị Phương Thảo", "female", 1988, "019188004321", "0987654321"),
    ("Lò Văn Khánh", "male", 1975, "019075002468", ""),
    ("Hà Thị Ngọc Ánh", "female", 1995, "019195001357", "0358123456"),
    ("Đinh Công Trường", "male", 1958, "", "0868111222"),
    ("Triệu Thị Mai", "female", 1970, "019170009876", ""),
    ("Ma Văn Quyết", "male", 2001, "019201005555", "0398765432"),
    ("Bàn Thị Xuân Hương", "female", 1983, "", "0977000111"),
    ("Nông Đức Mạnh", "male", 1966, "019066007777", ""),
    ("Lý Thị Thu Hằng", "female", 1992, "019192003333", "0833444555"),
    ("Phạm Văn Đồng", "male", 1949, "", ""),
    ("Vi Thị Hồng Nhung", "female", 1979, "019179004444", "0345678901"),
]


def _commune_with_data() -> dict[str, Any]:
    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
    from langso.registry.models import Poverty
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

    nghia_ta = commune(NGHIA_TA)
    villages = [
        VillageFactory(commune=nghia_ta, name="Thôn Bản Cáu"),
        VillageFactory(commune=nghia_ta, name="Thôn Nà Kẹn – Khuổi Hẻo"),
    ]
    households = [
        HouseholdFactory(
            village=villages[i % 2],
            code=f"NT-{i + 1:03d}",
            address=f"Số nhà {i + 12}, đường liên thôn Bản Cáu – Nà Kẹn, {villages[i % 2].name}",
            poverty=[Poverty.POOR, Poverty.NEAR_POOR, Poverty.NONE][i % 3],
            poverty_year=2025,
        )
        for i in range(4)
    ]
    residents = []
    for i, (name, sex, year, cccd, phone) in enumerate(PEOPLE):
        residents.append(
            ResidentFactory(
                household=households[i % 4],
                full_name=name,
                sex=sex,
                birth_year=year,
                birth_date=datetime.date(year, i % 12 + 1, (i * 11) % 28 + 1),
                cccd=cccd or None,
                phone=phone,
                ethnic_group="02" if i % 3 else "01",
                owns_smartphone=bool(i % 2),
                is_head=i < 4,
            )
        )
    for household, head in zip(households, residents[:4], strict=True):
        household.head = head
        household.save(update_fields=["head"])
    from langso.campaigns.services import install_default_indicators
    from langso.guides.services import install_default_guides
    from langso.skills.catalogue import install_default_catalogue
    from langso.skills.services import skill_record_add

    install_default_catalogue()  # transactional tests flush the tables the data migrations filled
    install_default_guides()
    install_default_indicators()

    for code, level in [("phone_basics", 4), ("video_call", 3), ("zalo_groups", 2), ("qr_payment", 1)]:
        skill_record_add(acting_user=None, resident=residents[1], skill_code=code, level=level)
    from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

    TeamMemberFactory(team=TeamFactory(village=villages[0], name="Tổ công nghệ số Thôn Bản Cáu"))
    officer = commune_officer(nghia_ta, username="canbo.nghiata", full_name="Đặng Thị Lan")
    from langso.campaigns.models import Campaign, Indicator, Target

    today = datetime.date.today()
    campaign = Campaign.objects.create(
        name="Cao điểm 100 ngày chuyển đổi số cộng đồng",
        province=nghia_ta.province,
        starts_on=today - datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=80),
    )
    for code, value in [("adults_reached", 58), ("adults_vneid2", 60), ("villages_with_team", 100)]:
        Target.objects.create(
            campaign=campaign,
            indicator=Indicator.objects.get(code=code),
            value=value,
            deadline=today + datetime.timedelta(days=60),
        )
    return {"officer": officer, "commune": nghia_ta, "village": villages[1], "household": households[0],
            "resident": residents[1], "campaign": campaign}  # fmt: skip


def test_every_main_page_fits_a_360_px_phone_for_a_commune_officer(
    page: Page, sign_in_session: Callable[[Any], None]
) -> None:
    data = _commune_with_data()
    sign_in_session(data["officer"])
    pages = {
        "home": reverse("home"),
        "residents": reverse("registry:residents"),
        "residents-search": reverse("registry:residents") + "?q=nguyen+thi",
        "resident": reverse("registry:resident", args=[data["resident"].pk]),
        "resident-edit": reverse("registry:resident_edit", args=[data["resident"].pk]),
        "resident-new": reverse("registry:resident_create"),
        "households": reverse("registry:households"),
        "household": reverse("registry:household", args=[data["household"].pk]),
        "household-new": reverse("registry:household_create"),
        "communes": reverse("places:communes"),
        "commune": reverse("places:commune", args=[data["commune"].code]),
        "village": reverse("places:village", args=[data["village"].pk]),
        "village-new": reverse("places:village_create", args=[data["commune"].code]),
        "coverage": reverse("places:coverage_edit", args=[data["village"].pk]),
        "import": reverse("registry:import_start"),
        "skills-numbers": reverse("skills:numbers"),
        "guides": reverse("guides:index"),
        "guide": reverse("guides:guide", args=["vneid_level2"]),
        "quiz": reverse("guides:quiz", args=["vneid_level2"]),
        "teams": reverse("teams:commune"),
        "signal": reverse("teams:signals"),
        "helpdesk": reverse("teams:helpdesk"),
        "conflicts": reverse("teams_conflicts:list"),
        "field": reverse("field:shell"),
        "campaigns": reverse("campaigns:list"),
        "dashboard": reverse("campaigns:commune_dashboard", args=[data["campaign"].pk, data["commune"].code]),
        "dashboard-screen": reverse(
            "campaigns:commune_dashboard", args=[data["campaign"].pk, data["commune"].code]
        )
        + "?screen=1",
        "drill": reverse("campaigns:drill", args=["adults_vneid2", "commune", data["commune"].code]),
        "committee": reverse("campaigns:committee"),
    }
    problems = []
    for name, url in pages.items():
        response = page.goto(url)
        assert response is not None
        if response.status != 200:
            problems.append(f"{name} {url}: HTTP {response.status}")
            continue
        problem = horizontal_overflow(page)
        if problem:
            problems.append(f"{name}: {problem}")
        if os.environ.get("LANGSO_SCREENSHOTS") and name in SCREENSHOT_PAGES:
            _save_screenshot(page, name)
    assert not problems, "pages that do not fit a 360 px phone:\n" + "\n".join(problems)


def _save_screenshot(page: Page, name: str) -> Path:
    """The page as a phone shows it, down to two screens' height (the README shows the top)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-360.png"
    height = min(page.evaluate("document.scrollingElement.scrollHeight"), 2 * PHONE["height"])
    page.screenshot(
        path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": PHONE["width"], "height": height}
    )
    return path
