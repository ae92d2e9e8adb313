"""The default certificate: the 5 basic skills community teams teach, each at "can do alone" (level 3).

One catalogue skill stands for each basic skill: online public services (VNeID level 2), online
shopping, online payment (QR), staying safe online (scams) and local digital platforms (Zalo groups).
"""

from django.db import migrations

DEFAULT_PROGRAMME = {
    "name": "Chứng nhận 5 kỹ năng số cơ bản",
    "name_en": "Certificate in the 5 basic digital skills",
    "issuer": "Tổ công nghệ số cộng đồng — phong trào Bình dân học vụ số",
    "required_levels": {
        "vneid_level2": 3,
        "buy_online": 3,
        "qr_payment": 3,
        "scam_awareness": 3,
        "zalo_groups": 3,
    },
}


def add_default_programme(apps, schema_editor):
    programme = apps.get_model("skills", "CertificateProgramme")
    if not programme.objects.filter(name=DEFAULT_PROGRAMME["name"]).exists():
        programme.objects.create(active=True, **DEFAULT_PROGRAMME)


def remove_default_programme(apps, schema_editor):
    programme = apps.get_model("skills", "CertificateProgramme")
    programme.objects.filter(name=DEFAULT_PROGRAMME["name"], certificates__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("skills", "0004_citizen_codes_and_certificates")]

    operations = [migrations.RunPython(add_default_programme, remove_default_programme)]
