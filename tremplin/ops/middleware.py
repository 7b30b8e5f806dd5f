"""Response headers every page gets (CSP itself comes from django-csp's middleware).

- `Permissions-Policy`: no camera, microphone, location, payment or USB for any page.
- `Cache-Control: no-store`: every response Django renders (pages, exports, recordings,
  certificates) may carry personal data, so no browser or proxy keeps a copy. Static files are
  answered earlier by WhiteNoise and stay cacheable.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    'fullscreen=(self "https://www.youtube-nocookie.com" "https://player.vimeo.com")'
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers["Cache-Control"] = "no-store, private"
        response.headers.pop("Expires", None)
        return response
