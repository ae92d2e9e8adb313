from django.urls import path

from langso.guides import handout

urlpatterns = [
    path("<slug:skill_code>/handout.pdf", handout.handout, name="handout"),
]
