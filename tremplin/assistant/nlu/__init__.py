"""Language understanding for the Tremplin virtual assistant (no Django here).

Train from a knowledge base (or database rows), then predict language, intent,
decision (answer / clarify / out_of_scope) and entities for each message.
"""

from tremplin.assistant.nlu.encoders import EmbeddingCache, Encoder, get_encoder
from tremplin.assistant.nlu.engine import Prediction, Understanding, train, train_from_examples
from tremplin.assistant.nlu.kb import Intent, KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from tremplin.assistant.nlu.langid import identify_language

__all__ = [
    "EmbeddingCache",
    "Encoder",
    "Intent",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Prediction",
    "Understanding",
    "evaluate_cases",
    "get_encoder",
    "identify_language",
    "load_knowledge_base",
    "train",
    "train_from_examples",
]


def __getattr__(name: str):
    # Lazy so `python -m tremplin.assistant.nlu.evaluate` does not import the
    # module twice (runpy warns when the package already imported it).
    if name == "evaluate_cases":
        from tremplin.assistant.nlu.evaluate import evaluate_cases

        return evaluate_cases
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
