from django.http import HttpRequest

from tremplin.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The person signed in, on a page that lets only signed-in people through.

    For views behind `agency_view(perm=…)`, `network_view` or `login_required`: those send an
    anonymous visitor to the sign-in page before the view runs.
    """
    user = request.user
    assert user.is_authenticated, "this page is only reached signed in"
    return user
