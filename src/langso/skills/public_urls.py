"""Public pages, no account: a citizen's own progress (with a one-time code) and certificate checks."""

from django.urls import path

from langso.skills import certificate_views, citizen_views

app_name = "skills_public"

urlpatterns = [
    path("me/", citizen_views.me, name="me"),
    path("me/exit/", citizen_views.me_exit, name="me_exit"),
    path("verify/", certificate_views.verify, name="verify_form"),
    path("verify/<str:code>/", certificate_views.verify, name="verify"),
]
