from django.urls import path

from langso.field import views

app_name = "field"

urlpatterns = [
    path("", views.shell, name="shell"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("offline-manifest.json", views.offline_manifest, name="offline_manifest"),
    path("connect/", views.connect, name="connect"),
    path("devices/", views.devices, name="devices"),
    path("devices/<uuid:device_id>/revoke/", views.device_revoke, name="device_revoke"),
]
