from django.urls import path

from langso.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("new/", views.session_create, name="session_create"),
    path("<uuid:session_id>/", views.session_detail, name="session"),
    path("invitations/new/", views.invitation_create, name="invitation_create"),
    path("invitations/<uuid:invitation_id>/", views.invitation_detail, name="invitation"),
    path("invitations/<uuid:invitation_id>/print/", views.invitation_print, name="invitation_print"),
]
