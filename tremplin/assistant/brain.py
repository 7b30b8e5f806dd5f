"""Training an agency's assistant from its knowledge base rows, and loading it in each worker.

The trained model is a pickled `Understanding` kept in the database (`AssistantBrain`), so
every worker on every app server sees the same one. A worker keeps the model in memory and
asks for `model_revision` (one indexed row) on each message; it reloads only when it changed.
Example embeddings are cached per process and on disk, so a retrain after one new example
encodes that example only.
"""

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tremplin.agencies.models import Agency
from tremplin.assistant.models import AssistantBrain, IntentExample
from tremplin.assistant.nlu.encoders import EmbeddingCache
from tremplin.assistant.nlu.engine import Understanding, train_from_examples

_cache_lock = threading.Lock()
_embedding_cache: EmbeddingCache | None = None


def embedding_cache() -> EmbeddingCache:
    """The process's embedding cache, first read from ASSISTANT_DATA_DIR (shared by workers)."""
    global _embedding_cache
    with _cache_lock:
        if _embedding_cache is None:
            _embedding_cache = EmbeddingCache(Path(settings.ASSISTANT_DATA_DIR) / "embeddings.pkl")
        return _embedding_cache


def understanding_to_bytes(understanding: Understanding) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pickle"
        understanding.save(path)
        return path.read_bytes()


def understanding_from_bytes(data: bytes) -> Understanding:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pickle"
        path.write_bytes(data)
        return Understanding.load(path)


def training_examples(*, agency: Agency) -> list[tuple[str, str, str]]:
    return list(
        IntentExample.objects.filter(agency=agency)
        .order_by("intent__intent_id", "language", "id")
        .values_list("intent__intent_id", "language", "text")
    )


def brain_of(agency: Agency) -> AssistantBrain:
    brain, _ = AssistantBrain.objects.defer("model_data").get_or_create(agency=agency)
    return brain


def brain_store(*, agency: Agency, understanding: Understanding, version: int) -> bool:
    """Store a model trained on knowledge base `version`; an older training never replaces a newer one."""
    brain_of(agency)
    updated = AssistantBrain.objects.filter(agency=agency, trained_version__lte=version).update(
        trained_version=version,
        model_revision=F("model_revision") + 1,
        model_data=understanding_to_bytes(understanding),
        encoder_name=understanding.encoder_name,
        example_count=len(understanding.training_examples),
        training_seconds=understanding.training_seconds,
        trained_at=timezone.now(),
    )
    return bool(updated)


def brain_train(*, agency: Agency, force: bool = False) -> AssistantBrain:
    """Train on the agency's current examples unless the stored model is already up to date."""
    brain = brain_of(agency)
    version = brain.kb_version
    if brain.trained_version >= version and brain.model_revision and not force:
        return brain
    examples = training_examples(agency=agency)
    if not examples:
        return brain
    embeddings = embedding_cache()
    with _cache_lock:  # one training at a time per process: the cache is not thread-safe
        understanding = train_from_examples(
            examples, encoder=settings.ASSISTANT_ENCODER or None, cache=embeddings
        )
        embeddings.save()
    with transaction.atomic():
        brain_store(agency=agency, understanding=understanding, version=version)
    brain.refresh_from_db()
    return brain


TRAINING_LOCK_SECONDS = 600


def brain_keep_current(*, agency: Agency) -> AssistantBrain:
    """Train until the model has learned the latest knowledge base (what the retrain task runs).

    Edits come in bursts (a few examples in a row) and each queues a task: while one worker
    trains an agency, the others return at once, and the one training goes round again if the
    knowledge base changed meanwhile. The lock is in the cache (shared by the workers when
    REDIS_URL is set); it expires in case a worker dies.
    """
    lock = f"assistant:training:{agency.pk}"
    brain = brain_of(agency)
    while brain.trained_version < brain.kb_version or not brain.model_revision:
        if not cache.add(lock, 1, TRAINING_LOCK_SECONDS):
            return brain  # another worker is on it and will see this change
        try:
            brain = brain_train(agency=agency)
            if not brain.model_revision:
                return brain  # nothing to learn from yet
        finally:
            cache.delete(lock)
        brain.refresh_from_db(fields=["kb_version", "trained_version", "model_revision"])
    return brain


@dataclass
class _Loaded:
    revision: tuple[int, object]  # (model_revision, trained_at): changes with every stored model
    understanding: Understanding


_loaded: dict[int, _Loaded] = {}
_loaded_lock = threading.Lock()


def understanding_for(*, agency: Agency) -> Understanding | None:
    """This worker's copy of the agency's model, reloaded when a newer one was stored."""
    brains = AssistantBrain.objects.filter(agency=agency, model_revision__gt=0)
    revision = brains.values_list("model_revision", "trained_at").first()
    if revision is None:
        return None
    current = _loaded.get(agency.pk)
    if current is not None and current.revision == revision:
        return current.understanding
    with _loaded_lock:
        current = _loaded.get(agency.pk)
        if current is not None and current.revision == revision:
            return current.understanding
        row = brains.values_list("model_revision", "trained_at", "model_data").first()
        if row is None or row[2] is None:
            return None
        understanding = understanding_from_bytes(bytes(row[2]))
        # Loads the encoder, language models and reading vectors before a client waits.
        understanding.analyse("hello", tz=agency.time_zone)
        _loaded[agency.pk] = _Loaded(revision=(row[0], row[1]), understanding=understanding)
        return understanding


def warm_up() -> int:
    """Load what the first message would: language models, encoder, every trained agency model
    (with its reading/crisis vectors). Called by `tremplin serve` in the master before it forks
    the workers (AssistantConfig.warm_up), so they share these pages and answer at once.
    Returns the number of agency models loaded."""
    from django.db import connections
    from django_scopes import scopes_disabled

    from tremplin.assistant.nlu.langid import catalog_vocabulary, default_identifier

    loaded = 0
    try:
        with scopes_disabled():
            agencies = Agency.objects.filter(
                pk__in=AssistantBrain.objects.filter(model_revision__gt=0).values("agency")
            )
            for agency in agencies:
                understanding = understanding_for(agency=agency)
                if understanding is not None:
                    understanding.analyse("hello", tz=agency.time_zone)
                    loaded += 1
    finally:
        connections.close_all()  # no connection may cross a fork
    catalog_vocabulary()  # read once here, not by each worker on its first short message
    # Last: with a shared language-model process (tremplin serve) this waits for it to be ready,
    # while it loaded in parallel with everything above.
    default_identifier().preload()
    return loaded
