from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tremplin.accounts.selectors import signed_in_user
from tremplin.agencies.policy import Perm, agency_view, has_perm
from tremplin.agencies.requests import AgencyRequest
from tremplin.assistant import selectors, services
from tremplin.assistant.engine import assistant_reply, knowledge_languages
from tremplin.assistant.forms import (
    AnswerForm,
    ChatForm,
    ExampleForm,
    IntentCreateForm,
    StaffReplyForm,
    UnansweredForm,
)
from tremplin.assistant.models import Conversation, ConversationStatus
from tremplin.audit.services import audit_log
from tremplin.clients.selectors import client_of_user
from tremplin.core.ratelimit import rate_limited
from tremplin.messaging.services import MessageNotAllowed
from tremplin.ops.edge import strip_control_characters
from tremplin.ops.services import webhook_claim


def _sender_limited(sender: str) -> bool:
    return rate_limited(
        bucket="assistant",
        key=sender,
        limit=settings.ASSISTANT_RATE_LIMIT,
        window_seconds=settings.ASSISTANT_RATE_WINDOW_SECONDS,
    )


RATE_LIMITED = gettext_lazy(
    "You are sending messages too quickly. Please wait a few minutes and try again."
)


# ---- web chat -----------------------------------------------------------------------------------


def _session_key(request: AgencyRequest) -> str:
    return f"assistant_conversation_{request.agency.pk}"


def _visitor_conversation(request: AgencyRequest) -> Conversation | None:
    agency = request.agency
    return selectors.conversation_get_for_visitor(
        agency=agency,
        conversation_id=request.session.get(_session_key(request)),
        client=client_of_user(agency=agency, user=request.user),
    )


def _conversation_for_message(request: AgencyRequest) -> Conversation:
    """The visitor's conversation, started on their first message (never on a page view)."""
    agency = request.agency
    client = client_of_user(agency=agency, user=request.user)
    conversation = _visitor_conversation(request)
    if conversation is None:
        conversation = services.conversation_start(
            agency=agency,
            channel="web",
            language=translation.get_language() or agency.default_language,
            client=client,
        )
        request.session[_session_key(request)] = conversation.pk
    elif conversation.client_id is None and client is not None:
        conversation = services.conversation_identify(conversation=conversation, client=client)
    return conversation


def chat_context(request: AgencyRequest, *, error: str | Promise | None = None) -> dict[str, Any]:
    """What the chat box needs, on the assistant's page and on every page that includes it."""
    conversation = _visitor_conversation(request)
    return {
        "chat_messages": selectors.conversation_transcript_messages(conversation=conversation),
        "chat_conversation": conversation,
        "chat_form": ChatForm(),
        "chat_error": error,
        "chat_next": request.get_full_path(),
        "max_message_chars": settings.ASSISTANT_MAX_MESSAGE_CHARS,
    }


def _client_ip(request: AgencyRequest) -> str:
    # REMOTE_ADDR only: a proxy in front must set it (X-Forwarded-For can be forged by anyone).
    return request.META.get("REMOTE_ADDR", "")


def _web_limited(request: AgencyRequest) -> bool:
    """Per conversation (the browser's), plus a generous ceiling per IP address: a computer
    lab of clients behind one address does not share one allowance."""
    ip = _client_ip(request)
    over_ceiling = rate_limited(
        bucket="assistant-ip",
        key=ip,
        limit=settings.ASSISTANT_IP_RATE_LIMIT,
        window_seconds=settings.ASSISTANT_RATE_WINDOW_SECONDS,
    )
    if request.session.session_key is None:
        request.session.save()  # the browser's session is the conversation's key
    return _sender_limited(f"visitor:{request.session.session_key}") or over_ceiling


@agency_view(public=True)
def chat(request: AgencyRequest) -> HttpResponse:
    """The assistant's own page (anyone may ask), and where every chat box posts its messages."""
    if request.method != "POST":
        return render(request, "assistant/chat.html", chat_context(request))
    form = ChatForm(request.POST)
    error: str | Promise | None = None
    if _web_limited(request):
        error = RATE_LIMITED
    elif not form.is_valid():
        error = str(form.errors["message"][0])
    else:
        conversation = _conversation_for_message(request)
        assistant_reply(
            agency=request.agency, conversation=conversation, text=form.cleaned_data["message"]
        )
    if request.headers.get("HX-Request"):
        return render(request, "assistant/_transcript.html", chat_context(request, error=error))
    if error:
        messages.error(request, str(error))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("assistant:chat", kwargs={"agency_slug": request.agency.slug})
    return redirect(back + "#assistant-chat")


# ---- SMS / WhatsApp webhook (Twilio's format) ----------------------------------------------------


def _twilio_signature_valid(request: AgencyRequest) -> bool:
    from twilio.request_validator import RequestValidator

    # The demo (DEBUG) signs with ASSISTANT_DEMO_SMS_TOKEN when no Twilio token is set.
    token = settings.TWILIO_AUTH_TOKEN or settings.ASSISTANT_DEMO_SMS_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    return RequestValidator(token).validate(
        request.build_absolute_uri(), request.POST.dict(), signature
    )


def _e164(raw: str) -> str | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(raw, "CA")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _remote_conversation(request: AgencyRequest, *, channel: str, phone: str) -> Conversation:
    agency = request.agency
    client = selectors.client_for_phone(agency=agency, phone=phone)
    conversation = selectors.conversation_find_for_address(
        agency=agency, channel=channel, address=phone
    )
    if conversation is None:
        languages = knowledge_languages(agency)
        language = (
            client.preferred_language
            if client and client.preferred_language in languages
            else agency.default_language
        )
        return services.conversation_start(
            agency=agency, channel=channel, language=language, client=client, address=phone
        )
    if conversation.client_id is None and client is not None:
        conversation = services.conversation_identify(conversation=conversation, client=client)
    return conversation


@csrf_exempt
@require_POST
@agency_view(public=True)
def sms_webhook(request: AgencyRequest) -> HttpResponse:
    """Twilio posts each SMS (or WhatsApp message) here: form fields From and Body; we answer in TwiML.

    Requests without a valid X-Twilio-Signature are refused with 403 before anything is read.
    """
    from twilio.twiml.messaging_response import MessagingResponse

    if not _twilio_signature_valid(request):
        return HttpResponseForbidden()
    # A replayed delivery (same MessageSid) is answered with nothing and acts on nothing.
    if not webhook_claim(source="sms-inbound", key=request.POST.get("MessageSid", "")):
        return HttpResponse(str(MessagingResponse()), content_type="application/xml")
    sender = strip_control_characters(request.POST.get("From", ""))
    channel = "whatsapp" if sender.startswith("whatsapp:") else "sms"
    phone = _e164(sender.removeprefix("whatsapp:"))
    response = MessagingResponse()
    if phone is not None:  # STOP / ARRÊT / UNSUBSCRIBE: consent withdrawn, confirmed once
        from tremplin.messaging.services import inbound_opt_out, inbound_record

        inbound_record(agency=request.agency, channel=channel, address=phone)  # WhatsApp's window
        confirmation = inbound_opt_out(
            agency=request.agency, channel=channel, phone=phone, body=request.POST.get("Body", "")
        )
        if confirmation is not None:
            if confirmation:
                response.message(confirmation)
            return HttpResponse(str(response), content_type="application/xml")
    if phone is not None:
        with translation.override(request.agency.default_language):
            body = strip_control_characters(request.POST.get("Body", ""))
            if _sender_limited(f"phone:{phone}"):
                response.message(str(RATE_LIMITED))
            elif len(body) > settings.ASSISTANT_MAX_MESSAGE_CHARS:
                response.message(
                    _("Your message is too long: %(limit_value)d characters at most.")
                    % {"limit_value": settings.ASSISTANT_MAX_MESSAGE_CHARS}
                )
            else:
                conversation = _remote_conversation(request, channel=channel, phone=phone)
                replies = assistant_reply(
                    agency=request.agency, conversation=conversation, text=body
                )
                if replies:  # one text message, not one per paragraph: each costs the client
                    response.message("\n\n".join(replies))
    return HttpResponse(str(response), content_type="application/xml")


# ---- staff inbox ------------------------------------------------------------------------------


INBOX_VIEWS = {"waiting", "mine", "triage", "closed"}


@agency_view(perm=Perm.ASSISTANT_INBOX)
def inbox(request: AgencyRequest) -> HttpResponse:
    show = request.GET.get("show", "waiting")
    if show not in INBOX_VIEWS:
        show = "waiting"
    conversations = selectors.conversation_list_inbox(
        agency=request.agency, user=signed_in_user(request), show=show
    )[:100]
    return render(request, "assistant/inbox.html", {"conversations": conversations, "show": show})


@agency_view(perm=Perm.ASSISTANT_INBOX)
def conversation_detail(request: AgencyRequest, conversation_id: int) -> HttpResponse:
    conversation = selectors.conversation_get_for_staff(
        agency=request.agency, conversation_id=conversation_id
    )
    form = StaffReplyForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reply":
            form = StaffReplyForm(request.POST)
            if form.is_valid():
                try:
                    services.conversation_staff_reply(
                        conversation=conversation,
                        staff_user=signed_in_user(request),
                        text=form.cleaned_data["text"],
                    )
                except MessageNotAllowed as refusal:
                    messages.error(request, refusal.message)
                else:
                    messages.success(request, _("Your reply was sent."))
                    return redirect(request.path)
        elif action in ("close", "return"):
            status = ConversationStatus.CLOSED if action == "close" else ConversationStatus.OPEN
            services.conversation_set_status(
                conversation=conversation, status=status, actor=signed_in_user(request)
            )
            messages.success(
                request,
                _("The conversation is closed.")
                if action == "close"
                else _("The assistant answers this conversation again."),
            )
            return redirect(request.path)
        elif action == "save_notes":
            if not has_perm(request, Perm.CASE_NOTES):
                raise Http404
            try:
                services.conversation_save_to_case_notes(
                    conversation=conversation, actor=signed_in_user(request)
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The transcript was saved to the client's case notes."))
            return redirect(request.path)
        else:
            messages.error(request, _("Choose an action."))
    elif conversation.client_id:
        audit_log(
            agency=request.agency,
            actor=request.user,
            action="conversation.view",
            obj=conversation,
            client_id=conversation.client_id,
        )
    transcript = selectors.conversation_transcript_messages(conversation=conversation, limit=500)
    return render(
        request,
        "assistant/conversation.html",
        {
            "conversation": conversation,
            "transcript": transcript,
            "form": form,
            "may_save_notes": has_perm(request, Perm.CASE_NOTES)
            and conversation.client_id is not None,
        },
    )


# ---- knowledge base -----------------------------------------------------------------------------


@agency_view(perm=Perm.ASSISTANT_MANAGE)
def intent_list(request: AgencyRequest) -> HttpResponse:
    form = IntentCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            intent = services.intent_create(
                agency=request.agency, actor=signed_in_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("intent_id", error)
        else:
            return redirect(
                "assistant:intent", agency_slug=request.agency.slug, knowledge_intent_id=intent.pk
            )
    return render(
        request,
        "assistant/intent_list.html",
        {
            "intents": selectors.intent_list_for_agency(agency=request.agency),
            "form": form,
            "brain": selectors.brain_status(agency=request.agency),
        },
    )


@agency_view(perm=Perm.ASSISTANT_MANAGE)
def intent_detail(request: AgencyRequest, knowledge_intent_id: int) -> HttpResponse:
    intent = selectors.intent_get_for_agency(
        agency=request.agency, knowledge_intent_id=knowledge_intent_id
    )
    example_form, answer_form = ExampleForm(prefix="example"), AnswerForm(prefix="answer")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "delete":
            services.intent_delete(intent=intent, actor=signed_in_user(request))
            messages.success(request, _("The intent was deleted; the assistant is retraining."))
            return redirect("assistant:intents", agency_slug=request.agency.slug)
        if action == "add_example":
            example_form = ExampleForm(request.POST, prefix="example")
            if example_form.is_valid():
                services.intent_example_create(
                    intent=intent, actor=signed_in_user(request), **example_form.cleaned_data
                )
                messages.success(request, _("Example added; the assistant is retraining."))
                return redirect(request.path)
        elif action == "set_answer":
            answer_form = AnswerForm(request.POST, prefix="answer")
            if answer_form.is_valid():
                services.intent_answer_set(
                    intent=intent, actor=signed_in_user(request), **answer_form.cleaned_data
                )
                messages.success(request, _("Answer saved."))
                return redirect(request.path)
        else:
            messages.error(request, _("Choose an action."))
    return render(
        request,
        "assistant/intent_detail.html",
        {
            "intent": intent,
            "examples": intent.examples.order_by("language", "id"),
            "answers": intent.answers.order_by("language"),
            "example_form": example_form,
            "answer_form": answer_form,
        },
    )


@agency_view(perm=Perm.ASSISTANT_MANAGE)
def example_delete(request: AgencyRequest, intent_example_id: int) -> HttpResponse:
    example = selectors.intent_example_get_for_agency(
        agency=request.agency, intent_example_id=intent_example_id
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.intent_example_delete(example=example, actor=signed_in_user(request))
    messages.success(request, _("Example removed; the assistant is retraining."))
    return redirect(
        "assistant:intent", agency_slug=request.agency.slug, knowledge_intent_id=example.intent_id
    )


@agency_view(perm=Perm.ASSISTANT_MANAGE)
def unanswered(request: AgencyRequest) -> HttpResponse:
    """The learning loop: what the assistant did not understand, grouped; one click teaches it."""
    if request.method == "POST":
        form = UnansweredForm(request.POST, agency=request.agency)
        if not form.is_valid():
            messages.error(request, _("Choose an intent."))
        elif request.POST.get("action") == "dismiss":
            services.unanswered_dismiss(
                agency=request.agency,
                normalized_text=form.cleaned_data["normalized_text"],
                actor=signed_in_user(request),
            )
            messages.success(request, _("Dismissed."))
        elif form.cleaned_data["intent"] is None:
            messages.error(request, _("Choose an intent."))
        else:
            example = services.unanswered_add_as_example(
                agency=request.agency,
                normalized_text=form.cleaned_data["normalized_text"],
                intent=form.cleaned_data["intent"],
                actor=signed_in_user(request),
            )
            if example is not None:
                messages.success(
                    request,
                    _("Added as an example of %(intent)s; the assistant is retraining.")
                    % {"intent": example.intent.intent_id},
                )
        return redirect(request.path)
    return render(
        request,
        "assistant/unanswered.html",
        {
            "groups": selectors.unanswered_groups(agency=request.agency),
            "intents": selectors.intent_list_for_agency(agency=request.agency).values_list(
                "pk", "intent_id"
            ),
        },
    )
