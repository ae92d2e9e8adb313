from django.urls import path

from langso.registry import import_views

urlpatterns = [
    path("import/", import_views.import_start, name="import_start"),
    path("import/template/<str:kind>.xlsx", import_views.import_template, name="import_template"),
    path("import/<uuid:job_id>/", import_views.import_job, name="import_job"),
    path("import/<uuid:job_id>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/<uuid:job_id>/retry/", import_views.import_retry, name="import_retry"),
    path("import/<uuid:job_id>/columns/", import_views.import_columns, name="import_columns"),
    path("import/<uuid:job_id>/refused.xlsx", import_views.import_refused, name="import_refused"),
    path("villages/export.xlsx", import_views.villages_export, name="villages_export"),
]
