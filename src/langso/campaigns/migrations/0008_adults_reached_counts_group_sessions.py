"""The shipped description of "adults reached" names group sessions too, unless a province edited it."""

from django.db import migrations

BEFORE = (
    "Người từ 18 tuổi có mặt ở ít nhất một buổi hướng dẫn tại nhà, được giúp tại bộ phận một cửa, hoặc được "
    "thành viên tổ ghi nhận kỹ năng; mỗi người tính một lần."
)
NOW = (
    "Người từ 18 tuổi có mặt ở ít nhất một buổi hướng dẫn tại nhà hoặc buổi hướng dẫn nhóm, được giúp tại bộ "
    "phận một cửa, hoặc được thành viên tổ ghi nhận kỹ năng; mỗi người tính một lần."
)


def describe_group_sessions(apps, schema_editor):
    Indicator = apps.get_model("campaigns", "Indicator")
    Indicator.objects.filter(code="adults_reached", description=BEFORE).update(description=NOW)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0007_target_split_per_level"),
    ]

    operations = [
        migrations.RunPython(describe_group_sessions, migrations.RunPython.noop),
    ]
