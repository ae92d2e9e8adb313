from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from langso.api import api
from langso.core import views as core_views
from langso.site import views as site_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("langso.accounts.urls")),
    path("places/", include("langso.places.urls")),
    path("registry/", include("langso.registry.urls")),
    path("skills/", include("langso.skills.urls")),
    path("guides/", include("langso.guides.urls")),
    path("teams/conflicts/", include("langso.teams.conflict_urls")),
    path("teams/", include("langso.teams.urls")),
    path("field/", include("langso.field.urls")),
    path("devices/", include("langso.devices.urls")),
    path("groups/", include("langso.groups.urls")),
    path("lists/", include("langso.outside_lists.urls")),
    path("campaigns/", include("langso.campaigns.urls")),
    path("operations/", include("langso.operations.urls")),
    path("national/", include("langso.national.urls")),
    # Public pages with no account: a citizen's own progress, certificate verification.
    path("", include("langso.skills.public_urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Our own pages for a bad request, a refused, missing or broken page (langso.core.errors).
handler400 = "langso.core.errors.bad_request"
handler403 = "langso.core.errors.permission_denied"
handler404 = "langso.core.errors.page_not_found"
handler500 = "langso.core.errors.server_error"
