from django.urls import path

from langso.national import views

app_name = "national"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("provinces/<int:province>/", views.dashboard, name="province"),
    path("communes/<int:commune>/", views.dashboard, name="commune"),
    path("receive/", views.receive, name="receive"),
    path("targets/", views.target_list, name="targets"),
    path("targets/new/", views.target_form, name="target_create"),
    path("targets/<int:target_id>/", views.target_form, name="target_edit"),
    path("targets/<int:target_id>/delete/", views.target_delete, name="target_delete"),
    path("report/", views.report, name="report"),
    path("reports/<int:report_id>.pdf", views.report_download, name="report_download"),
]
