from django.urls import path

from langso.teams.views import conflicts

app_name = "teams_conflicts"

urlpatterns = [
    path("", conflicts.conflict_list, name="list"),
    path("<uuid:conflict_id>/resolve/", conflicts.conflict_resolve, name="resolve"),
    path("held/<uuid:held_id>/", conflicts.held_decide, name="held_decide"),
]
