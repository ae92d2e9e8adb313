from django.urls import path

from langso.teams.views import helpdesk, signals, teams, visits

app_name = "teams"

urlpatterns = [
    path("", teams.commune_teams, name="commune"),
    path("new/", teams.team_create, name="team_create"),
    path("<uuid:team_id>/", teams.team_detail, name="team"),
    path("<uuid:team_id>/edit/", teams.team_edit, name="team_edit"),
    path("<uuid:team_id>/households/", teams.team_assign, name="team_assign"),
    path("members/<uuid:member_id>/active/", teams.member_set_active, name="member_set_active"),
    path("worklist/", visits.worklist, name="worklist"),
    path("visits/new/", visits.visit_create, name="visit_create"),
    path("households/<uuid:household_id>/visits/", visits.household_visits, name="household_visits"),
    path("helpdesk/", helpdesk.helpdesk, name="helpdesk"),
    path("signal/", signals.signal_list, name="signals"),
    path("signal/new/", signals.signal_create, name="signal_create"),
    path("signal/<uuid:report_id>/", signals.signal_detail, name="signal"),
    path("signal/<uuid:report_id>/move/", signals.signal_move, name="signal_move"),
]
