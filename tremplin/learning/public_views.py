"""The public certificate check: the one learning page outside any agency."""

from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.learning.forms import CertificateLookupForm
from tremplin.learning.selectors import certificate_get_by_code


def certificate_lookup(request: HttpRequest) -> HttpResponse:
    form = CertificateLookupForm(request.GET or None)
    if form.is_valid():
        try:
            certificate = certificate_get_by_code(code=form.cleaned_data["code"])
        except Http404:
            form.add_error("code", _("No certificate has this code. Check it and try again."))
        else:
            return redirect("certificates:verify", code=certificate.code)
    return render(request, "learning/certificate_lookup.html", {"form": form})


def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    certificate = certificate_get_by_code(code=code[:40])
    issued_on = timezone.localtime(certificate.issued_at, ZoneInfo(certificate.agency.time_zone))
    return render(
        request,
        "learning/certificate_verify.html",
        {"certificate": certificate, "issued_on": issued_on},
    )
