from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from tremplin.accounts.views import landing, preferences
from tremplin.agencies.admin_site import admin_site
from tremplin.assistant.urls import webhook_urlpatterns as assistant_webhooks
from tremplin.core.views import healthz, network_home

# Every page of one agency lives under /<lang>/a/<agency_slug>/; AgencyMiddleware resolves the
# agency and enters its data scope, and each view declares its permission with agency_view().
agency_patterns = [
    path("", include("tremplin.agencies.urls")),
    path("clients/", include("tremplin.clients.urls")),
    path("programs/", include("tremplin.programs.urls")),
    path("learning/", include("tremplin.learning.urls")),
    path("assistant/", include("tremplin.assistant.urls")),
    path("messages/", include("tremplin.messaging.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin_site.urls),
    *assistant_webhooks,  # /sms/<agency_slug>/: Twilio's webhook, not language-prefixed
]
urlpatterns += i18n_patterns(
    path("", network_home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("me/", landing, name="landing"),
    path("me/preferences/", preferences, name="preferences"),
    path("network/", include("tremplin.agencies.network_urls")),
    path("network/learning/", include("tremplin.learning.network_urls")),
    path("certificates/", include("tremplin.learning.public_urls")),
    path("a/<slug:agency_slug>/", include(agency_patterns)),
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
