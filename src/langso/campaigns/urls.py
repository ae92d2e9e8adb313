from django.urls import path

from langso.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:campaign_id>/", views.dashboard, name="dashboard"),
    path("<int:campaign_id>/communes/<int:code>/", views.commune_dashboard, name="commune_dashboard"),
    path("<int:campaign_id>/edit/", views.campaign_edit, name="edit"),
    path("<int:campaign_id>/targets/new/", views.target_form, name="target_create"),
    path("<int:campaign_id>/targets/<int:target_id>/", views.target_form, name="target_edit"),
    path("<int:campaign_id>/targets/<int:target_id>/delete/", views.target_delete, name="target_delete"),
    path("<int:campaign_id>/report/", views.report, name="report"),
    path("reports/<int:report_id>.<str:file_format>", views.report_download, name="report_download"),
    path("numbers/<slug:indicator_code>/<slug:level>/<str:unit>/", views.drill, name="drill"),
    path("committee/", views.committee, name="committee"),
]
