from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from tremplin.accounts.views import landing, preferences
from tremplin.agencies.admin_site import admin_site
from tremplin.assistant.urls import webhook_urlpatterns as assistant_webhooks
from tremplin.core.views import favicon, healthz, network_home
from tremplin.messaging.urls import webhook_urlpatterns as messaging_webhooks

# Every page of one agency lives under /<lang>/a/<agency_slug>/; AgencyMiddleware resolves the
# agency and enters its data scope, and each view declares its permission with agency_view().
agency_patterns = [
    path("", include("tremplin.agencies.urls")),
    path("clients/", include("tremplin.clients.urls")),
    path("programs/", include("tremplin.programs.urls")),
    path("learning/", include("tremplin.learning.urls")),
    path("assistant/", include("tremplin.assistant.urls")),
    path("messages/", include("tremplin.messaging.urls")),
    path("privacy/", include("tremplin.privacy.urls")),
    path("employers/", include("tremplin.employers.urls")),
    path("reports/", include("tremplin.reports.urls")),
    path("surveys/", include("tremplin.surveys.urls")),
    path("outcomes/", include("tremplin.outcomes.urls")),
    path("api/", include("tremplin.api.staff_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),  # browsers ask for it even with <link rel="icon">
    path("admin/", admin_site.urls),
    *assistant_webhooks,  # /sms/<agency_slug>/: Twilio's webhook, not language-prefixed
    *messaging_webhooks,  # /messaging/twilio/<agency_slug>/status/: delivery reports
    path("api/v1/", include("tremplin.api.urls")),  # REST API: tokens, not language-prefixed
]
urlpatterns += i18n_patterns(
    path("", network_home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("me/", landing, name="landing"),
    path("me/preferences/", preferences, name="preferences"),
    path("network/", include("tremplin.agencies.network_urls")),
    path("network/learning/", include("tremplin.learning.network_urls")),
    path("network/reports/", include("tremplin.reports.network_urls")),
    path("network/api/", include("tremplin.api.network_urls")),
    path("certificates/", include("tremplin.learning.public_urls")),
    path("a/<slug:agency_slug>/", include(agency_patterns)),
)

# Uploaded files are never served from /media/ (not even with DEBUG): each is served by a view
# that checks who is asking (e.g. programs:recording_file, learning's lesson files).
