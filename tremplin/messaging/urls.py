from anymail.urls import urlpatterns as anymail_urlpatterns
from django.urls import include, path

from tremplin.messaging import views

app_name = "messaging"

# Pages of this capability under /<lang>/a/<agency_slug>/messages/ (see tremplin/config/urls.py).
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("resend/", views.resend, name="resend"),
    path("clients/<int:client_id>/", views.client_messages, name="client_messages"),
    path("preferences/", views.my_preferences, name="preferences"),
    path("templates/", views.templates, name="templates"),
]

# Outside the language prefix: Twilio posts delivery reports to one fixed address.
webhook_urlpatterns = [
    path(
        "messaging/twilio/<slug:agency_slug>/status/",
        views.twilio_status,
        name="messaging_twilio_status",
    ),
    # Email providers' delivery reports, checked by django-anymail (views.email_tracking).
    path(
        "messaging/email/",
        include(
            (
                [p for p in anymail_urlpatterns if "tracking" in str(p.name)],
                "anymail",
            )
        ),
    ),
]
