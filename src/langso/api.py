"""The HTTP API (django-ninja). Closed by default: every endpoint needs a signed-in session
(with CSRF) unless it says otherwise. The OpenAPI schema is served at /api/openapi.json."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.security import django_auth

from langso.places.api import router as places_router
from langso.registry.api import router as registry_router
from langso.teams.api import router as field_router

api = NinjaAPI(
    title="Làng Số API",
    version="1",
    description=str(
        _("API của Làng Số: đơn vị hành chính, sổ hộ và người dân trong phạm vi của người dùng.")
    ),
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/v1/places/", places_router)
api.add_router("/v1/registry/", registry_router)
api.add_router("/v1/field/", field_router)
