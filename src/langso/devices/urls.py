from django.urls import path

from langso.devices import views

app_name = "devices"

urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("new/", views.programme_edit, name="programme_create"),
    path("<uuid:programme_id>/", views.programme_detail, name="programme"),
    path("<uuid:programme_id>/edit/", views.programme_edit, name="programme_edit"),
    path("<uuid:programme_id>/communes/<int:code>/", views.candidate_list, name="candidates"),
    path("<uuid:programme_id>/inventory/", views.inventory, name="inventory"),
    path("<uuid:programme_id>/report/", views.report, name="report"),
    path("<uuid:programme_id>/report.xlsx", views.report, {"fmt": "xlsx"}, name="report_xlsx"),
    path("<uuid:programme_id>/report.pdf", views.report, {"fmt": "pdf"}, name="report_pdf"),
    path("candidates/<int:candidate_id>/allocate/", views.allocate, name="allocate"),
    path("allocations/<uuid:allocation_id>/", views.allocation_detail, name="allocation"),
    path("allocations/<uuid:allocation_id>/handover.pdf", views.handover_pdf, name="handover_pdf"),
    path("allocations/<uuid:allocation_id>/scan/", views.allocation_scan, name="allocation_scan"),
    path("allocations/<uuid:allocation_id>/return/", views.allocation_return, name="allocation_return"),
    path("inventory/template.xlsx", views.import_template, name="import_template"),
    path("imports/<uuid:job_id>/", views.import_job, name="import"),
    path("imports/<uuid:job_id>/refused.xlsx", views.import_refused, name="import_refused"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<uuid:follow_up_id>/", views.follow_up_record, name="follow_up"),
]
