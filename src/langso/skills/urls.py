from django.urls import path

from langso.skills import certificate_views, citizen_views, views

app_name = "skills"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("numbers/", views.numbers, name="numbers"),
    path("rules/", views.rules, name="rules"),
    path("rules/<slug:key>/", views.rule, name="rule"),
    path("draft/start/", views.draft_start, name="draft_start"),
    path("draft/skills/new/", views.draft_skill_edit, name="draft_skill_new"),
    path("draft/skills/<slug:code>/", views.draft_skill_edit, name="draft_skill_edit"),
    path("draft/publish/", views.draft_publish, name="draft_publish"),
    path("residents/<uuid:resident_id>/record/", views.record_create, name="record_create"),
    path(
        "residents/<uuid:resident_id>/records/<uuid:record_id>/void/",
        views.record_void,
        name="record_void",
    ),
    path(
        "residents/<uuid:resident_id>/access-code/",
        citizen_views.access_code_create,
        name="access_code_create",
    ),
    path("certificates/<uuid:certificate_id>.pdf", certificate_views.certificate_pdf, name="certificate_pdf"),
    path(
        "certificates/<uuid:certificate_id>/revoke/",
        certificate_views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("programmes/", certificate_views.programme_list, name="programmes"),
    path("programmes/new/", certificate_views.programme_edit, name="programme_new"),
    path("programmes/<int:programme_id>/", certificate_views.programme_edit, name="programme_edit"),
]
