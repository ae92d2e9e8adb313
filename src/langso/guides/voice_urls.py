from django.urls import path

from langso.guides import voice_views

# Included from langso.guides.urls (before the <skill_code> pages): names in the "guides" namespace.
urlpatterns: list = [
    path("manage/record/", voice_views.record_choose, name="record_choose"),
    path("manage/languages/", voice_views.languages, name="languages"),
    path("manage/recordings/", voice_views.review_list, name="recordings"),
    path("manage/recordings/<uuid:recording_id>/audio/", voice_views.recording_audio, name="recording_audio"),
    path("manage/recordings/<uuid:recording_id>/review/", voice_views.review, name="recording_review"),
    path("audio/<slug:lang>/<int:step_id>/", voice_views.step_recording, name="step_recording"),
    path("<slug:skill_code>/translate/<slug:lang>/", voice_views.translate, name="translate"),
    path("<slug:skill_code>/record/<slug:lang>/", voice_views.record, name="record"),
]
