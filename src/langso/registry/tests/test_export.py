import io

import openpyxl
import pytest
from django.urls import reverse

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.core.models import AuditAction, AuditEntry
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.exports import safe_cell
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def _rows(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


@pytest.mark.parametrize("text", ["=1+1", "+84912", "-2", "@SUM(A1)", "\t=cmd", "\r=x"])
def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell("Nguyễn Văn An") == "Nguyễn Văn An"
    assert safe_cell(42) == 42


def test_the_export_follows_the_list_filters_and_writes_an_audit_entry(client):
    village = VillageFactory(commune=commune(NGHIA_TA))
    household = HouseholdFactory(village=village, notes='=HYPERLINK("http://x")')
    ResidentFactory(household=household, full_name="Hoàng Văn An", cccd="019170001234", birth_year=1970)
    ResidentFactory(household=household, full_name="Nông Thị Hoa", sex="female", birth_year=1980)
    officer = commune_officer(village.commune)
    client.force_login(officer)
    response = client.get(reverse("registry:residents_export"), {"q": "hoang van"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _rows(response)
    assert [r[1] for r in rows[1:]] == ["Hoàng Văn An"]
    assert rows[1][5] == "019170001234"  # a commune officer may see full numbers
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["rows"] == 1 and entry.changes["filters"] == {"q": "hoang van"}
    households = _rows(client.get(reverse("registry:households_export")))
    assert households[1][4] == '\'=HYPERLINK("http://x")'


def test_province_staff_export_masked_cccd_numbers(client, settings):
    settings.DEMO_MODE = True
    village = VillageFactory(commune=commune(NGHIA_TA))
    ResidentFactory(household=HouseholdFactory(village=village), cccd="019170001234", birth_year=1970)
    client.force_login(user_with_role(Role.PROVINCE_STAFF, province=village.commune.province, is_demo=True))
    rows = _rows(client.get(reverse("registry:residents_export")))
    assert rows[1][5] == "••••••••1234"
