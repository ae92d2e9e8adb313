from django.urls import path

from langso.national import views

app_name = "national"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("provinces/<int:province>/", views.dashboard, name="province"),
    path("communes/<int:commune>/", views.dashboard, name="commune"),
    path("receive/", views.receive, name="receive"),
]
