from django.urls import path

from tremplin.assistant import views

app_name = "assistant"

# Pages of this capability under /<lang>/a/<agency_slug>/assistant/ (see tremplin/config/urls.py).
urlpatterns = [
    path("", views.chat, name="chat"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:conversation_id>/", views.conversation_detail, name="conversation"),
    path("knowledge/", views.intent_list, name="intents"),
    path("knowledge/<int:knowledge_intent_id>/", views.intent_detail, name="intent"),
    path(
        "knowledge/examples/<int:intent_example_id>/delete/",
        views.example_delete,
        name="example_delete",
    ),
    path("unanswered/", views.unanswered, name="unanswered"),
]

# Outside the language prefix: providers post to one fixed address (see tremplin/config/urls.py).
webhook_urlpatterns = [
    path("sms/<slug:agency_slug>/", views.sms_webhook, name="assistant_sms"),
]
