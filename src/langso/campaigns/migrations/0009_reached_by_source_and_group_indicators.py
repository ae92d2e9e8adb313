"""Indicators of issue 15: adults reached split by source, group sessions and attendance in the week,
and adults reached in minority-language villages; the shipped description of "adults reached" names
the national platform and the police lists too, unless a province edited it."""

from django.db import migrations

BEFORE = (
    "Người từ 18 tuổi có mặt ở ít nhất một buổi hướng dẫn tại nhà hoặc buổi hướng dẫn nhóm, được giúp tại bộ "
    "phận một cửa, hoặc được thành viên tổ ghi nhận kỹ năng; mỗi người tính một lần."
)
NOW = (
    "Người từ 18 tuổi có mặt ở ít nhất một buổi hướng dẫn tại nhà hoặc buổi hướng dẫn nhóm, được giúp tại bộ "
    "phận một cửa, được thành viên tổ ghi nhận kỹ năng, có tên trong danh sách học viên của nền tảng quốc gia "
    "hoặc danh sách kích hoạt định danh mức 2 của công an xã; mỗi người tính một lần."
)


def install(apps, schema_editor):
    from langso.campaigns.library import install_default_indicators

    Indicator = apps.get_model("campaigns", "Indicator")
    Indicator.objects.filter(code="adults_reached", description=BEFORE).update(description=NOW)
    install_default_indicators(Indicator)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0008_adults_reached_counts_group_sessions"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
