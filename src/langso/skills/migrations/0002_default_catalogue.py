from django.db import migrations
from django.utils import timezone


def install(apps, schema_editor):
    from langso.skills.catalogue import DEFAULT_DIGITAL_CITIZEN_LEVELS, DEFAULT_SKILLS

    CatalogueVersion = apps.get_model("skills", "CatalogueVersion")
    Skill = apps.get_model("skills", "Skill")
    SkillRule = apps.get_model("skills", "SkillRule")
    if CatalogueVersion.objects.exists():
        return
    version = CatalogueVersion.objects.create(number=1, status="published", published_at=timezone.now(),
                                              note="Danh mục mặc định của Làng Số")
    fields = ("code", "area", "name", "name_en", "description", "description_en", "digcomp", "vn_domain", "basic_skill")
    Skill.objects.bulk_create([
        Skill(version=version, position=index, **{f: getattr(s, f) for f in fields}) for index, s in enumerate(DEFAULT_SKILLS)
    ])
    SkillRule.objects.create(kind="digital_citizen", province=None, required_levels=DEFAULT_DIGITAL_CITIZEN_LEVELS)
    SkillRule.objects.create(kind="household_basic", province=None, requires_smartphone=False, required_levels={"level": 3})


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_skills_catalogue_records_rules")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
