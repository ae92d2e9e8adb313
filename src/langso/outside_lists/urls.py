from django.urls import path

from langso.outside_lists import views

app_name = "outside_lists"

urlpatterns = [
    path("", views.list_index, name="lists"),
    path("<uuid:list_id>/", views.list_detail, name="list"),
    path("review/", views.review, name="review"),
    path("review/<uuid:entry_id>/", views.entry_resolve, name="entry"),
    path("unmatched/", views.unmatched, name="unmatched"),
    path("unmatched.xlsx", views.unmatched_xlsx, name="unmatched_xlsx"),
]
