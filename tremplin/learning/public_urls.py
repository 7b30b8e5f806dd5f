from django.urls import path

from tremplin.learning import public_views

app_name = "certificates"

# /<lang>/certificates/…: anyone may check a certificate with its code (no sign-in, no agency).
urlpatterns = [
    path("", public_views.certificate_lookup, name="lookup"),
    path("<str:code>/", public_views.certificate_verify, name="verify"),
]
