from django.urls import path  # noqa: F401

app_name = "learning"

# Pages of this capability under /<lang>/a/<agency_slug>/ (see tremplin/config/urls.py).
urlpatterns: list = []
