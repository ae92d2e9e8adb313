from django.urls import path

from langso.guides import audio_views

# Included from langso.guides.urls: the names live in the "guides" namespace.
urlpatterns: list = [
    path("audio/<int:step_id>.mp3", audio_views.step_audio, name="step_audio"),
]
