from django.urls import path

from langso.places import views

app_name = "places"

urlpatterns = [
    path("", views.commune_list, name="communes"),
    path("communes/<int:code>/", views.commune_detail, name="commune"),
    path("communes/<int:code>/villages/new/", views.village_create, name="village_create"),
    path("villages/<uuid:village_id>/", views.village_detail, name="village"),
    path("villages/<uuid:village_id>/edit/", views.village_edit, name="village_edit"),
    path("villages/<uuid:village_id>/coverage/", views.coverage_edit, name="coverage_edit"),
]
