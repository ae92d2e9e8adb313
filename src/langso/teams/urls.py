from django.urls import path

from langso.teams import views

app_name = "teams"

urlpatterns = [
    path("", views.commune_teams, name="commune"),
    path("new/", views.team_create, name="team_create"),
    path("<uuid:team_id>/", views.team_detail, name="team"),
    path("<uuid:team_id>/edit/", views.team_edit, name="team_edit"),
    path("<uuid:team_id>/households/", views.team_assign, name="team_assign"),
    path("members/<uuid:member_id>/active/", views.member_set_active, name="member_set_active"),
    path("worklist/", views.worklist, name="worklist"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("households/<uuid:household_id>/visits/", views.household_visits, name="household_visits"),
    path("helpdesk/", views.helpdesk, name="helpdesk"),
    path("signal/", views.signal_list, name="signals"),
    path("signal/new/", views.signal_create, name="signal_create"),
    path("signal/<uuid:report_id>/", views.signal_detail, name="signal"),
    path("signal/<uuid:report_id>/move/", views.signal_move, name="signal_move"),
]
