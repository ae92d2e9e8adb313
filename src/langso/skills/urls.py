from django.urls import path

from langso.skills import views

app_name = "skills"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("numbers/", views.numbers, name="numbers"),
    path("draft/start/", views.draft_start, name="draft_start"),
    path("draft/skills/new/", views.draft_skill_edit, name="draft_skill_new"),
    path("draft/skills/<slug:code>/", views.draft_skill_edit, name="draft_skill_edit"),
    path("draft/publish/", views.draft_publish, name="draft_publish"),
    path("residents/<uuid:resident_id>/record/", views.record_create, name="record_create"),
]
