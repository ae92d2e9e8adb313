from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from langso.accounts.http import AuthenticatedHttpRequest
from langso.site import selectors


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"summary": selectors.home_summary(user=request.user)})
