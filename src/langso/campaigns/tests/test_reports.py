"""The weekly steering-committee report: PDF text, Excel contents, storing it, the schedule."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from langso.campaigns.models import Indicator, Target, WeeklyReport
from langso.campaigns.reports import render_report_pdf, render_report_xlsx, report_data, week_start
from langso.campaigns.tests.conftest import today

pytestmark = pytest.mark.django_db

COMMENT = "Xã Nghĩa Tá cần đẩy nhanh kích hoạt định danh điện tử mức 2 cho người cao tuổi."


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def sheets(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


@pytest.fixture
def with_two_targets(world):
    committees = Indicator.objects.get(code="communes_with_committee")
    Target.objects.create(
        campaign=world["campaign"], indicator=committees, value=100, deadline=world["target"].deadline
    )
    return world


def test_the_pdf_is_in_vietnamese_with_every_target_and_the_comment(with_two_targets):
    world = with_two_targets
    data = report_data(world["campaign"], week=today(), comment=COMMENT)
    text = " ".join(pdf_text(render_report_pdf(data)).split())

    assert "Báo cáo tuần của ban chỉ đạo" in text
    assert "Tỉ lệ người trưởng thành có định danh điện tử mức 2" in text
    assert "Tỉ lệ xã/phường có ban chỉ đạo" in text
    assert COMMENT in text
    assert world["nghia_ta"].name in text and "33,3 %" in text and "Chậm tiến độ" in text
    assert "Đã đạt" in text  # the ward: everyone has VNeID level 2


def test_the_pdf_draws_a_bar_chart_as_svg():
    from langso.core.templatetags.langso_charts import bar_chart

    svg = bar_chart(
        [("Xã Nghĩa Tá", 33.3), ("Phường <b>", None)], target=60, label="VNeID", maximum=100, suffix="%"
    )
    assert svg.startswith('<svg class="bar-chart"') and svg.count("<rect") == 1
    assert "Phường &lt;b&gt;" in svg  # names are escaped
    assert "stroke-dasharray" in svg  # the target line
    assert "33,3 %" in svg  # written as the tables write it, not "33.3%"


def test_the_chart_writes_small_shares_as_the_tables_do():
    from langso.core.templatetags.langso_charts import bar_chart

    assert "0,4 %" in bar_chart([("Xã Nghĩa Tá", 0.4)], suffix="%")
    assert "1.234<" in bar_chart([("Xã Nghĩa Tá", 1234)])


def test_the_excel_file_holds_the_same_numbers_and_neutralises_formulas(with_two_targets):
    world = with_two_targets
    campaign = world["campaign"]
    campaign.name = '=HYPERLINK("http://evil")'
    campaign.save()
    data = report_data(campaign, week=today(), comment=COMMENT)
    book = sheets(render_report_xlsx(data))

    summary, ranking = book["Tổng hợp"], book["Xếp hạng"]
    assert summary[0][1] == '\'=HYPERLINK("http://evil")'
    assert summary[4][1] == COMMENT
    vneid = next(r for r in summary if r[0] == "Tỉ lệ người trưởng thành có định danh điện tử mức 2")
    assert vneid[1:2] == (60.0,) and vneid[3:7] == (50.0, 2, 4, "Chậm tiến độ")
    assert vneid[7:10] == (1, 0, 1)  # communes done, on track, behind; the rest have no data
    rows = [r for r in ranking[1:] if r[0] == vneid[0]]
    assert rows[0][1:7] == (1, world["ward"].name, 100.0, 1, 1, 60.0)
    assert rows[1][1:6] == (2, world["nghia_ta"].name, 33.3, 1, 3)
    assert rows[1][8] == "Chậm tiến độ"


def test_an_officer_generates_the_report_with_a_comment_and_it_is_stored(client, world):
    client.force_login(world["staff"])
    url = reverse("campaigns:report", args=[world["campaign"].pk])
    assert client.get(url).status_code == 200
    pdf = client.post(url, {"comment": COMMENT, "file_format": "pdf"})
    xlsx = client.post(url, {"comment": COMMENT + " Lần 2.", "file_format": "xlsx"})

    assert pdf["Content-Type"] == "application/pdf"
    assert COMMENT in " ".join(pdf_text(pdf.content).split())
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    stored = WeeklyReport.objects.get()  # the second one replaced the first: one per week
    assert stored.week_start == week_start(today()) and stored.comment == COMMENT + " Lần 2."
    download = client.get(reverse("campaigns:report_download", args=[stored.pk, "pdf"]))
    assert download.status_code == 200 and (COMMENT + " Lần 2.") in " ".join(
        pdf_text(download.content).split()
    )


def test_only_the_province_may_generate_or_download_the_report(client, world):
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role
    from langso.campaigns.reports import weekly_report_generate

    stored, _made = weekly_report_generate(acting_user=world["staff"], campaign=world["campaign"], comment="")
    auditor = user_with_role(Role.AUDITOR, province=world["nghia_ta"].province)
    client.force_login(auditor)
    url = reverse("campaigns:report", args=[world["campaign"].pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"comment": "x"}).status_code == 404
    assert client.get(reverse("campaigns:report_download", args=[stored.pk, "xlsx"])).status_code == 200
    client.force_login(world["officer"])
    assert client.get(reverse("campaigns:report_download", args=[stored.pk, "pdf"])).status_code == 404
    assert client.get(reverse("campaigns:report_download", args=[stored.pk, "exe"])).status_code == 404


def test_the_weekly_command_makes_each_weeks_report_once(world, capsys):
    last_week = today() - datetime.timedelta(days=7)
    call_command("weekly_report", "--province", str(world["nghia_ta"].province_id))
    first = WeeklyReport.objects.get()
    call_command("weekly_report", "--province", str(world["nghia_ta"].province_id))
    out = capsys.readouterr().out

    again = WeeklyReport.objects.get()
    assert first.week_start == week_start(last_week)
    assert (again.pk, bytes(again.pdf), again.generated_at) == (
        first.pk,
        bytes(first.pdf),
        first.generated_at,
    )
    assert "1 reports made" in out and "0 reports made, 1 already there" in out
    assert first.as_of == first.week_start + datetime.timedelta(days=6)
    assert pdf_text(first.pdf)


def test_the_weekly_task_is_idempotent_and_skips_campaigns_not_running(world):
    from langso.campaigns.models import Campaign
    from langso.campaigns.tasks import weekly_reports

    Campaign.objects.create(
        name="Đã xong", province=world["nghia_ta"].province, starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 3, 1),
    )  # fmt: skip
    week = today().isoformat()
    first = weekly_reports.enqueue(world["nghia_ta"].province_id, week).return_value
    second = weekly_reports.enqueue(world["nghia_ta"].province_id, week).return_value
    assert first == second and len(first) == 1
    assert WeeklyReport.objects.get().campaign == world["campaign"]


def test_a_past_weeks_report_reads_that_days_snapshots_not_the_live_registry(world):
    """The registry changed since: the report of the past week shows the numbers of its Sunday."""
    from langso.campaigns.models import IndicatorSnapshot

    sunday = week_start(today()) - datetime.timedelta(days=1)
    province = world["nghia_ta"].province_id
    for level, unit in (("province", str(province)), ("commune", str(world["nghia_ta"].code))):
        IndicatorSnapshot.objects.create(
            indicator=world["vneid"], day=sunday, level=level, unit=unit, province_code=province,
            numerator=7, denominator=10,
        )  # fmt: skip
    data = report_data(world["campaign"], week=sunday, comment="")
    board = data.boards[0]

    assert (data.week_start, data.as_of) == (week_start(sunday), sunday)
    assert (board.total.value.numerator, board.total.value.denominator) == (7, 10)
    assert board.rows[0].name == world["nghia_ta"].name and board.rows[0].text == "70,0 %"
    assert board.rows[0].status == "done"


def test_the_command_refuses_an_unknown_province_or_a_bad_week(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("weekly_report", "--province", "999")
    with pytest.raises(CommandError):
        call_command("weekly_report", "--province", "19", "--week", "13/13/2026")


def test_the_chart_writes_an_average_with_its_decimal_as_the_tables_do(world):
    """Days to fix a weak-signal spot average 2,5 in Nghĩa Tá: the table says "2,5", and so must its bar
    (the table said "250,0", read as a percent, and the bar a whole number)."""
    import uuid

    from langso.campaigns.reports import _chart_rows
    from langso.core.templatetags.langso_charts import bar_chart
    from langso.teams.models import SignalReport

    for days in (2, 3):
        SignalReport.objects.create(
            id=uuid.uuid4(),
            content_hash=f"lom-song-{days}",
            village=world["ban_cau"],
            commune=world["nghia_ta"],
            province=world["nghia_ta"].province,
            description="Đầu bản, gần nhà văn hóa",
            operator="viettel",
            technology="4g",
            reported_on=today() - datetime.timedelta(days=10),
            respond_by=today(),
            status="fixed",
            closed_on=today() - datetime.timedelta(days=10 - days),
        )
    Target.objects.create(
        campaign=world["campaign"],
        indicator=Indicator.objects.get(code="signal_days_to_fix"),
        value=7,
        deadline=world["target"].deadline,
    )
    data = report_data(world["campaign"], week=today())
    board = next(b for b in data.boards if b.indicator.code == "signal_days_to_fix")
    nghia_ta = next(row for row in board.rows if row.name == world["nghia_ta"].name)
    assert nghia_ta.text == "2,5"

    text = " ".join(pdf_text(render_report_pdf(data)).split())
    # Three times in the text around the chart (the province's value and Nghĩa Tá's row), once on its bar;
    # a bar written "3" (rounded to a whole number) left three.
    assert text.count("2,5") == 4
    # The bar itself, drawn as the report draws it.
    from django.utils import translation

    with translation.override("vi"):
        svg = bar_chart(_chart_rows(board)[0], 7.0, decimals=1)
    assert ">2,5<" in svg
