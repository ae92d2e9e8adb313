from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from langso.accounts.http import AuthenticatedHttpRequest
from langso.core import selectors


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"summary": selectors.home_summary(user=request.user)})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
