from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class IntentKind(models.TextChoices):
    FAQ = "faq", _("Question answered from the knowledge base")
    ACTION = "action", _("Action the assistant performs")


class KnowledgeIntent(models.Model):
    """One thing clients ask the assistant, with its examples and answers (one agency's knowledge base)."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="assistant_intents"
    )
    intent_id = models.SlugField(_("intent id"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=IntentKind.choices)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("intent")
        verbose_name_plural = _("intents")
        ordering = ["kind", "intent_id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "intent_id"], name="intent_unique_per_agency")
        ]

    def __str__(self) -> str:
        return self.intent_id


class IntentExample(models.Model):
    """A message clients write for an intent, in one language: what the model learns from."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    intent = models.ForeignKey(KnowledgeIntent, on_delete=models.CASCADE, related_name="examples")
    language = models.CharField(_("language"), max_length=12)
    text = models.CharField(_("example message"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("example")
        verbose_name_plural = _("examples")
        ordering = ["language", "id"]

    def __str__(self) -> str:
        return self.text


class IntentAnswer(models.Model):
    """The answer to an intent in one language.

    One row per language rather than an i18nfield: a knowledge base may hold answers in
    languages the interface is not translated into (Spanish, Arabic…), and the reply language
    is chosen from the languages that have a row.
    For an action, the text describes what the assistant does; its replies are in the code.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    intent = models.ForeignKey(KnowledgeIntent, on_delete=models.CASCADE, related_name="answers")
    language = models.CharField(_("language"), max_length=12)
    text = models.TextField(_("answer"))

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["intent", "language"], name="answer_one_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.intent} ({self.language})"


class AssistantBrain(models.Model):
    """An agency's trained model and the version counters that tell workers when to reload it.

    Stored in the database so every web worker and app server sees the same model; a worker
    keeps its copy in memory and reloads it only when `model_revision` changes.
    """

    agency = models.OneToOneField(
        "agencies.Agency", on_delete=models.CASCADE, related_name="assistant_brain"
    )
    kb_version = models.PositiveIntegerField(
        default=0
    )  # bumped by every change to the knowledge base
    trained_version = models.PositiveIntegerField(
        default=0
    )  # the kb_version the stored model learned
    model_revision = models.PositiveIntegerField(
        default=0
    )  # bumped on every store: workers reload on change
    model_data = models.BinaryField(null=True, blank=True)
    encoder_name = models.CharField(max_length=60, blank=True)
    example_count = models.PositiveIntegerField(default=0)
    training_seconds = models.FloatField(default=0)
    trained_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("assistant model")
        verbose_name_plural = _("assistant models")

    def __str__(self) -> str:
        return f"{self.agency} v{self.trained_version}/{self.kb_version}"


class AgencyFacts(models.Model):
    """What an agency's knowledge base states as data (its `facts`): how to reach it, and its
    opening days, hours and statutory holidays. Answers about opening hours, the hand-off's
    "when will a person answer" and the notes on sessions held on closed days are computed
    from these rows, so they never contradict each other."""

    agency = models.OneToOneField(
        "agencies.Agency", on_delete=models.CASCADE, related_name="assistant_facts"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    opening_days = models.JSONField(_("opening days"), default=list)  # Monday = 0
    opens = models.TimeField(_("opens at"))
    closes = models.TimeField(_("closes at"))
    holidays = models.JSONField(_("statutory holidays"), default=list)  # nlu.kb.HOLIDAY_KEYS
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("agency facts")
        verbose_name_plural = _("agency facts")

    def __str__(self) -> str:
        return f"{self.agency} facts"


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("With the assistant")
    HANDED_OVER = "handed_over", _("Waiting for a person")
    CLOSED = "closed", _("Closed")


class Conversation(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="conversations"
    )
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    channel = models.CharField(_("channel"), max_length=20)  # tremplin.messaging.models.Channel
    address = models.CharField(
        _("address"), max_length=254, blank=True
    )  # e.g. the phone number for SMS
    language = models.CharField(_("language"), max_length=12)
    # Slot filling between messages: {"pending": {...}, "misses": 0}.
    state = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ConversationStatus.choices,
        default=ConversationStatus.OPEN,
    )
    handover_reason = models.CharField(_("reason for hand-off"), max_length=20, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "updated_at"]),
            models.Index(fields=["agency", "channel", "address"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk}"


class Sender(models.TextChoices):
    CLIENT = "client", _("Client")
    ASSISTANT = "assistant", _("Assistant")
    STAFF = "staff", _("Staff")


class ConversationMessage(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.CharField(_("sender"), max_length=10, choices=Sender.choices)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=12, blank=True)
    intent = models.CharField(_("intent"), max_length=80, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, blank=True)
    # Learning loop: client messages the assistant did not understand, grouped by normalised text.
    normalized_text = models.CharField(max_length=300, blank=True)
    needs_review = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("conversation message")
        verbose_name_plural = _("conversation messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["agency", "needs_review", "normalized_text"])]

    def __str__(self) -> str:
        return f"{self.sender}: {self.text[:40]}"
