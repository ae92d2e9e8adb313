from django.urls import path

from langso.operations import views

app_name = "operations"

urlpatterns = [
    path("", views.health, name="health"),
    path("residents/<uuid:resident_id>/export/", views.person_export, name="person_export"),
    path("residents/<uuid:resident_id>/erase/", views.person_erase, name="person_erase"),
]
