from django.urls import path

from langso.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/residents/<uuid:resident_id>/", views.audit_resident, name="audit_resident"),
    path("audit/users/<int:user_id>/", views.audit_user, name="audit_user"),
]
