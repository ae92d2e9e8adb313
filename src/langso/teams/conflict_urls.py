from django.urls import path

from langso.teams import conflict_views

app_name = "teams_conflicts"

urlpatterns = [
    path("", conflict_views.conflict_list, name="list"),
    path("<uuid:conflict_id>/resolve/", conflict_views.conflict_resolve, name="resolve"),
    path("held/<uuid:held_id>/", conflict_views.held_decide, name="held_decide"),
]
