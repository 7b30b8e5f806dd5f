"""Language understanding for the Tremplin virtual assistant (no Django here).

Train from a knowledge base (or database rows), then predict language, intent,
decision (answer / clarify / out_of_scope) and entities for each message.

The names below are imported on first use: importing one submodule (the shared
language-model process imports only `langid`) does not load the encoder and
scikit-learn, and `python -m tremplin.assistant.nlu.evaluate` does not import
its module twice (runpy warns when the package already imported it).
"""

from importlib import import_module

_EXPORTS = {
    "EmbeddingCache": "encoders",
    "Encoder": "encoders",
    "get_encoder": "encoders",
    "Prediction": "engine",
    "Understanding": "engine",
    "train": "engine",
    "train_from_examples": "engine",
    "Intent": "kb",
    "KnowledgeBase": "kb",
    "KnowledgeBaseError": "kb",
    "load_knowledge_base": "kb",
    "identify_language": "langid",
    "evaluate_cases": "evaluate",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
