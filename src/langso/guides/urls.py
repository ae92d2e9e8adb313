from django.urls import include, path  # noqa: F401

app_name = "guides"

# Audio (langso.guides.audio_urls) and handouts (langso.guides.handout_urls) are kept in their own
# modules; their URL names live in this "guides" namespace.
urlpatterns: list = [
    path("", include("langso.guides.audio_urls")),
    path("", include("langso.guides.handout_urls")),
]
