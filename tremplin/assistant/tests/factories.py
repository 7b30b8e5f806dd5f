"""Test data of the assistant: the repository's knowledge base trained once per test process,
and sessions made through the programs app's own service (so topic search works)."""

import functools
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from i18nfield.strings import LazyI18nString

from tremplin.agencies.models import Agency
from tremplin.agencies.tests.factories import LocationFactory
from tremplin.assistant.brain import understanding_to_bytes
from tremplin.assistant.models import AssistantBrain
from tremplin.assistant.nlu.encoders import EmbeddingCache
from tremplin.assistant.nlu.engine import train_from_examples
from tremplin.assistant.nlu.kb import KnowledgeBase, load_knowledge_base
from tremplin.assistant.services import knowledge_base_import
from tremplin.programs.models import ServiceType
from tremplin.programs.services import SessionDetails, session_create
from tremplin.programs.tests.factories import ProgramFactory, ServiceElementFactory

KB_PATH = Path(__file__).resolve().parents[1] / "kb" / "agencies" / "pnec.yaml"


@functools.cache
def repository_knowledge_base() -> KnowledgeBase:
    return load_knowledge_base(KB_PATH.read_text(encoding="utf-8"), source=str(KB_PATH))


# Example embeddings survive between test runs on this machine (the texts' hash is the key, so
# a changed example is simply encoded again): training then costs the fitting only.
PERSISTENT_EMBEDDINGS = Path(tempfile.gettempdir()) / "tremplin-test-assistant-embeddings.pkl"


@functools.cache
def trained_model_file() -> Path:
    """The repository's knowledge base, trained once per test process and kept in a temp file."""
    cache = EmbeddingCache(PERSISTENT_EMBEDDINGS)
    understanding = train_from_examples(
        repository_knowledge_base().training_examples(),
        encoder=settings.ASSISTANT_ENCODER or None,
        cache=cache,
    )
    try:
        cache.save()
    except OSError:
        pass  # a read-only temp folder only costs the next run its encoding time
    path = Path(tempfile.mkdtemp(prefix="tremplin-assistant-")) / "pnec.model"
    path.write_bytes(understanding_to_bytes(understanding))
    return path


def install_trained_knowledge_base(agency: Agency, kb: KnowledgeBase | None = None) -> Agency:
    """Give `agency` the repository's knowledge base (or another demo agency's: they share their
    intents and examples) and the trained model, as a retrain would."""
    knowledge_base_import(agency=agency, kb=kb or repository_knowledge_base(), actor=None)
    AssistantBrain.objects.filter(agency=agency).update(
        trained_version=F("kb_version"),
        model_revision=F("model_revision") + 1,
        model_data=trained_model_file().read_bytes(),
        encoder_name="test",
        trained_at=timezone.now(),
    )
    return agency


def make_session(
    agency,
    *,
    title: dict[str, str] | None = None,
    service_type: str = ServiceType.WORKSHOP,
    delivery_mode: str = "hybrid",
    days: int = 3,
    in_person: int = 10,
    online: int = 10,
    waitlist: bool = True,
    program=None,
    topic: str = "",
):
    """A session made through the programs app's own service (so topic search works)."""
    program = program or ProgramFactory(agency=agency)
    element = ServiceElementFactory(program=program, agency=agency, service_type=service_type)
    in_room = delivery_mode != "online"
    starts = timezone.now() + timedelta(days=days)
    details = SessionDetails(
        element=element,
        title=title
        if isinstance(title, LazyI18nString)
        else LazyI18nString(title or {"en": "Resume workshop", "fr": "Atelier CV"}),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        delivery_mode=delivery_mode,
        in_person_capacity=in_person if in_room else 0,
        location=LocationFactory(agency=agency) if in_room else None,
        online_capacity=online if delivery_mode != "in_person" else 0,
        topic=topic,
        waitlist_enabled=waitlist,
    )
    return session_create(agency=agency, actor=None, details=details)
