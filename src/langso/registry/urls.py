from django.urls import include, path

from langso.registry import views

app_name = "registry"

urlpatterns = [
    path("residents/", views.resident_list, name="residents"),
    path("residents/export.xlsx", views.residents_export, name="residents_export"),
    path("households/export.xlsx", views.households_export, name="households_export"),
    path("residents/new/", views.resident_create, name="resident_create"),
    path("residents/<uuid:resident_id>/", views.resident_detail, name="resident"),
    path("residents/<uuid:resident_id>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/<uuid:resident_id>/delete/", views.resident_delete, name="resident_delete"),
    path(
        "residents/<uuid:resident_id>/reveal-cccd/", views.resident_reveal_cccd, name="resident_reveal_cccd"
    ),
    path("residents/<uuid:resident_id>/consents/new/", views.consent_create, name="consent_create"),
    path("households/", views.household_list, name="households"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<uuid:household_id>/", views.household_detail, name="household"),
    path("households/<uuid:household_id>/edit/", views.household_edit, name="household_edit"),
    # Excel/CSV import and export (langso.registry.import_views, langso.registry.export_views).
    path("", include("langso.registry.import_urls")),
]
