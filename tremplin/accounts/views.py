from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tremplin.accounts.forms import PreferencesForm
from tremplin.accounts.selectors import signed_in_user
from tremplin.accounts.services import user_update_preferences
from tremplin.agencies.requests import AgencyRequest
from tremplin.agencies.roles import STAFF_ROLES, Role
from tremplin.agencies.selectors import memberships_of_user


def area_url(*, agency_slug: str, role: str) -> str:
    if role in STAFF_ROLES:
        return reverse("agencies:staff_home", kwargs={"agency_slug": agency_slug})
    if role == Role.CLIENT:
        return reverse("agencies:client_home", kwargs={"agency_slug": agency_slug})
    return reverse("agencies:home", kwargs={"agency_slug": agency_slug})


@login_required
def landing(request: AgencyRequest) -> HttpResponse:
    """After sign-in: straight to the person's area when they have one, else a chooser."""
    memberships = list(memberships_of_user(user=signed_in_user(request)))
    places = {}
    for membership in memberships:
        # The staff area covers a client role in the same agency.
        key = membership.agency.slug
        if key not in places or membership.role in STAFF_ROLES:
            places[key] = (
                membership.agency,
                membership.role,
                area_url(agency_slug=key, role=membership.role),
            )
    if request.network_perms:
        return render(
            request, "accounts/landing.html", {"places": places.values(), "network": True}
        )
    if len(places) == 1:
        return redirect(next(iter(places.values()))[2])
    return render(request, "accounts/landing.html", {"places": places.values(), "network": False})


@login_required
def preferences(request: AgencyRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_preferences(user=signed_in_user(request), **form.cleaned_data)
        messages.success(request, _("Your preferences are saved."))
        return redirect("preferences")
    return render(request, "accounts/preferences.html", {"form": form})
