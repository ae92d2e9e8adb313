from django.urls import include, path

from langso.guides import views

app_name = "guides"

# Audio (langso.guides.audio_urls) and handouts (langso.guides.handout_urls) are kept in their own
# modules; their URL names live in this "guides" namespace.
urlpatterns: list = [
    path("", views.index, name="index"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.edit, name="create"),
    path("", include("langso.guides.voice_urls")),
    path("<slug:skill_code>/", views.guide_detail, name="guide"),
    path("<slug:skill_code>/quiz/", views.quiz, name="quiz"),
    path("<slug:skill_code>/edit/", views.edit, name="edit"),
    path("<slug:skill_code>/shipped/", views.review_shipped, name="review_shipped"),
    path("", include("langso.guides.audio_urls")),
    path("", include("langso.guides.handout_urls")),
]
