"""The request type of a page behind a sign-in, for the type checker."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from langso.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that reached a view behind `require_perm` or `login_required`: its user is signed in,
    so it is a `User`, never Django's AnonymousUser. Only an annotation: Django builds the request."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request that only a signed-in user can reach but whose type Django fixes as
    HttpRequest (the admin's methods): the admin site lets no anonymous request through."""
    return cast(User, request.user)
