"""Intent classification: multilingual embeddings + character n-grams.

Three scorers vote, each giving a probability per intent plus an explicit
out-of-scope class taught by synthetic negatives (data/out-of-scope.yaml):

* logistic regression on sentence embeddings (carries other languages),
* nearest examples by cosine similarity (robust for intents with few examples),
* logistic regression on accent-folded character n-grams (typos, SMS, missing
  accents), trusted only for English and French, the languages the KB is in.

Thresholds are chosen by cross-validation on the knowledge base itself, never
on evaluation messages.
"""

from __future__ import annotations

import pickle
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

import numpy as np
import yaml

from tremplin.assistant.nlu.encoders import EmbeddingCache, Encoder, get_encoder, limit_threads
from tremplin.assistant.nlu.entities import extract_entities
from tremplin.assistant.nlu.kb import KnowledgeBase
from tremplin.assistant.nlu.langid import default_identifier
from tremplin.assistant.nlu.noise import is_noise
from tremplin.assistant.nlu.normalize import for_embedding, for_lexical
from tremplin.assistant.nlu.reading import (
    answer_data,
    crisis_data,
    keyword_sensitive,
    meaning_sensitive,
    read_answer,
)

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

OUT_OF_SCOPE = "__out_of_scope__"
NEGATIVES_PATH = Path(__file__).with_name("data") / "out-of-scope.yaml"
SOCIAL_PHRASES_PATH = Path(__file__).with_name("data") / "social-phrases.yaml"
LEXICAL_LANGUAGES = frozenset({"en", "fr"})
LEXICAL_WEIGHT = 0.2  # share of the char n-gram vote for English/French messages
KNN_TEMPERATURE = 0.03  # cosine gaps between intents are a few hundredths
EMBEDDING_C = 20.0
LEXICAL_C = 10.0
CV_FOLDS = 4
# Bounds for the cross-validated thresholds: the KB is English/French only, so
# a threshold fitted on it alone would be too strict for other languages.
MAX_OUT_OF_SCOPE_THRESHOLD = 0.12
CLARIFY_MARGIN = 0.75  # second intent at >= 75 % of the first: ask which one
# Messages in a language the examples are not written in sit systematically
# further from every example, so the out-of-scope class must beat the top
# intent by this much before it wins. Measured by leaving each language out
# (social phrases and negatives of one non-EN/FR language, or all French KB
# examples) and scoring it with a model trained on the rest: a margin of
# 0.10 maximised accuracy on both (0.86 -> 0.89 and 0.90 -> 0.92) while
# keeping 90 % of out-of-scope recall.
CROSS_LINGUAL_OUT_OF_SCOPE_MARGIN = 0.10
# Small talk that may open a real request ("hola, necesito trabajo"): when the
# whole message reads as one of these (or as out of scope), the part after the
# opening is scored alone and wins if it is a real intent.
SOCIAL_INTENTS = frozenset({"greeting", "thanks", "goodbye"})
OPENING_INTENTS = ("greeting", "thanks")
MAX_OPENING_WORDS = 4
_CLAUSE_END = re.compile(r"[,!.;:?¿¡，！。、؛،？]+")

Decision = Literal["answer", "clarify", "out_of_scope"]
Example = tuple[str, str, str]  # (intent_id, lang, text)


@dataclass
class Prediction:
    language: str
    intent: str | None
    confidence: float
    decision: Decision
    alternatives: list[tuple[str, float]]
    entities: dict[str, object] = field(default_factory=dict)


@dataclass
class Analysis:
    """One message analysed once: what every step of a conversation reads."""

    text: str
    language: str
    vector: np.ndarray  # the encoder's embedding of for_embedding(text)
    prediction: Prediction
    sensitive: bool

    def answer(self, understanding: Understanding) -> str | None:
        """ "yes", "no", "other" or None when this message answers a yes/no question."""
        return read_answer(self.text, self.vector, understanding.answer_vectors)


def load_negatives(path: Path = NEGATIVES_PATH) -> list[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(OUT_OF_SCOPE, lang, text) for lang, texts in data.items() for text in texts]


def load_social_phrases(intent_ids: set[str], path: Path = SOCIAL_PHRASES_PATH) -> list[Example]:
    """Multilingual greetings/thanks/goodbyes for the KB's intents of those ids."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (intent_id, lang, text)
        for intent_id, by_lang in data.items()
        if intent_id in intent_ids
        for lang, texts in by_lang.items()
        for text in texts
    ]


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    scaled = scores / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


@dataclass
class _Scorers:
    """Fitted models; separate from Understanding so cross-validation reuses them."""

    classes: np.ndarray
    example_vectors: np.ndarray
    example_class_index: np.ndarray
    embedding_model: LogisticRegression
    lexical_vectorizer: TfidfVectorizer
    lexical_model: LogisticRegression

    @classmethod
    def fit(cls, vectors: np.ndarray, lexical_texts: list[str], labels: np.ndarray) -> _Scorers:
        # scikit-learn (1 s to import) only where a model is trained: an app server forks its
        # workers before it loads the trained models (tremplin serve), which unpickling imports.
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        classes = np.array(sorted(set(labels)))
        embedding_model = LogisticRegression(C=EMBEDDING_C, max_iter=3000).fit(vectors, labels)
        # n-grams seen twice or more: a third of the features, 4x faster to fit.
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), min_df=2, sublinear_tf=True, lowercase=False
        )
        lexical_model = LogisticRegression(C=LEXICAL_C, max_iter=3000).fit(
            vectorizer.fit_transform(lexical_texts), labels
        )
        return cls(
            classes=classes,
            example_vectors=vectors,
            example_class_index=np.searchsorted(classes, labels),
            embedding_model=embedding_model,
            lexical_vectorizer=vectorizer,
            lexical_model=lexical_model,
        )

    def _nearest(self, vectors: np.ndarray) -> np.ndarray:
        similarities = vectors @ self.example_vectors.T
        best = np.full((len(vectors), len(self.classes)), -1.0, dtype=np.float32)
        for class_index in range(len(self.classes)):
            mask = self.example_class_index == class_index
            best[:, class_index] = similarities[:, mask].max(axis=1)
        return _softmax(best, KNN_TEMPERATURE)

    def probabilities(
        self, vectors: np.ndarray, lexical_texts: list[str], use_lexical: np.ndarray
    ) -> np.ndarray:
        """Combined probability per class; use_lexical is one bool per message."""
        semantic = (self.embedding_model.predict_proba(vectors) + self._nearest(vectors)) / 2
        lexical = self.lexical_model.predict_proba(self.lexical_vectorizer.transform(lexical_texts))
        mixed = (1 - LEXICAL_WEIGHT) * semantic + LEXICAL_WEIGHT * lexical
        return np.where(use_lexical[:, None], mixed, semantic)


@dataclass
class Thresholds:
    out_of_scope: float  # top intent probability below this -> out of scope
    answer: float  # top intent probability below this -> clarify


def _choose_thresholds(
    top_probability: np.ndarray,
    correct: np.ndarray,
    is_negative: np.ndarray,
    predicted_negative: np.ndarray,
) -> Thresholds:
    """Pick thresholds from out-of-fold predictions on the KB and negatives.

    Out of scope: the threshold maximising F1 of out-of-scope detection.
    Answer: the lowest confidence above which in-scope answers are >= 95 % right.
    """
    candidates = np.round(np.arange(0.0, MAX_OUT_OF_SCOPE_THRESHOLD + 1e-9, 0.01), 2)
    best_f1, best_threshold = -1.0, 0.0
    for threshold in candidates:
        flagged = predicted_negative | (top_probability < threshold)
        true_positive = np.sum(flagged & is_negative)
        precision = true_positive / max(1, flagged.sum())
        recall = true_positive / max(1, is_negative.sum())
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        if f1 > best_f1 + 1e-9:
            best_f1, best_threshold = f1, float(threshold)
    in_scope = ~is_negative & ~predicted_negative
    answer_threshold = best_threshold
    for threshold in np.round(np.arange(best_threshold, 0.9, 0.02), 2):
        answered = in_scope & (top_probability >= threshold)
        if answered.sum() and correct[answered].mean() >= 0.95:
            answer_threshold = float(threshold)
            break
    return Thresholds(out_of_scope=best_threshold, answer=max(answer_threshold, best_threshold))


class Understanding:
    """A trained assistant brain: predict() turns one message into a Prediction."""

    # Set by training; a model pickled before they existed has neither (see the properties).
    _example_languages: frozenset[str]
    _openings: tuple[str, ...]
    _answer_vectors: np.ndarray | None
    _crisis_vectors: np.ndarray | None

    def __init__(
        self,
        encoder_name: str,
        scorers: _Scorers,
        thresholds: Thresholds,
        training_examples: list[Example],
        training_seconds: float,
    ) -> None:
        self.encoder_name = encoder_name
        self.scorers = scorers
        self.thresholds = thresholds
        self.training_examples = training_examples
        self.training_seconds = training_seconds
        self._encoder: Encoder | None = None

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = get_encoder(self.encoder_name)
        return self._encoder

    @property
    def intent_ids(self) -> list[str]:
        return [str(label) for label in self.scorers.classes if label != OUT_OF_SCOPE]

    @property
    def example_languages(self) -> frozenset[str]:
        """Languages the examples are written in (models saved before had EN/FR only)."""
        return self.__dict__.get("_example_languages") or LEXICAL_LANGUAGES

    @property
    def openings(self) -> tuple[str, ...]:
        """Greetings and thanks of the training data, longest first."""
        return self.__dict__.get("_openings") or ()

    def _vectors_of(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode([for_embedding(text) for text in texts])

    @property
    def answer_vectors(self) -> np.ndarray:
        """Embeddings of data/answers.yaml (computed at training; lazily for older models)."""
        vectors = self.__dict__.get("_answer_vectors")
        if vectors is None:
            vectors = self._answer_vectors = self._vectors_of(answer_data().texts)
        return vectors

    @property
    def crisis_vectors(self) -> np.ndarray:
        vectors = self.__dict__.get("_crisis_vectors")
        if vectors is None:
            data = crisis_data()
            vectors = self._crisis_vectors = self._vectors_of(data.examples + data.ordinary)
        return vectors

    def analyse(
        self, text: str, *, now: datetime | None = None, tz: str = "America/Edmonton"
    ) -> Analysis:
        """Language, embedding, prediction and risk of one message, computed once."""
        language = default_identifier().identify(text)
        vector = self.encoder.encode([for_embedding(text)])
        prediction = self._predict(text, language, vector, now=now, tz=tz)
        # By meaning only when the model is not sure of a service intent: a confident request
        # ("I want to register…") is never read as a disclosure.
        sensitive = keyword_sensitive(text) or (
            prediction.decision != "answer"
            and meaning_sensitive(vector[0], self.crisis_vectors, self.scorers.example_vectors)
        )
        return Analysis(text, language, vector[0], prediction, sensitive)

    def predict(
        self, text: str, *, now: datetime | None = None, tz: str = "America/Edmonton"
    ) -> Prediction:
        language = default_identifier().identify(text)
        return self._predict(
            text, language, self.encoder.encode([for_embedding(text)]), now=now, tz=tz
        )

    def _predict(
        self,
        text: str,
        language: str,
        vector: np.ndarray,
        *,
        now: datetime | None,
        tz: str,
    ) -> Prediction:
        zone = ZoneInfo(tz)
        entities = extract_entities(text, now=now.astimezone(zone) if now else datetime.now(zone))
        prediction = self._decide(language, self._probabilities(text, language, vector), entities)
        if is_noise(text):
            prediction.intent, prediction.decision = None, "out_of_scope"
            return prediction
        if prediction.decision == "out_of_scope" or prediction.intent in SOCIAL_INTENTS:
            rest = self._after_opening(text)
            if rest:
                request = self._decide(language, self._probabilities(rest, language), entities)
                # The answer threshold is calibrated on the examples' languages; in
                # others every probability is lower, so "not out of scope" suffices.
                confident = request.decision == "answer" or (
                    request.decision == "clarify" and language not in self.example_languages
                )
                if confident and request.intent not in SOCIAL_INTENTS:
                    return request
        return prediction

    def _probabilities(
        self, text: str, language: str, vector: np.ndarray | None = None
    ) -> np.ndarray:
        if vector is None:
            vector = self.encoder.encode([for_embedding(text)])
        return self.scorers.probabilities(
            vector, [for_lexical(text)], np.array([language in LEXICAL_LANGUAGES])
        )[0]

    def _after_opening(self, text: str) -> str | None:
        """The message after a leading greeting/thanks or short first clause, if long enough."""
        normalized = for_embedding(text)
        words = " ".join(_CLAUSE_END.sub(" ", normalized).split())
        rest = None
        for phrase in self.openings:
            if words.startswith(phrase) and (
                len(words) == len(phrase) or words[len(phrase)] == " "
            ):
                rest = words[len(phrase) :]
                break
        if rest is None:
            match = _CLAUSE_END.search(normalized)
            if match is None or len(normalized[: match.start()].split()) > MAX_OPENING_WORDS:
                return None
            rest = normalized[match.end() :]
        rest = _CLAUSE_END.sub(" ", rest).strip()
        letters = sum(char.isalpha() for char in rest)
        return rest if len(rest.split()) >= 2 or letters >= 5 else None

    def _decide(
        self, language: str, probabilities: np.ndarray, entities: dict[str, object]
    ) -> Prediction:
        classes = self.scorers.classes
        out_of_scope_index = int(np.searchsorted(classes, OUT_OF_SCOPE))
        has_negative_class = (
            out_of_scope_index < len(classes) and classes[out_of_scope_index] == OUT_OF_SCOPE
        )
        ranked = [
            int(index)
            for index in np.argsort(-probabilities)
            if not (has_negative_class and index == out_of_scope_index)
        ]
        alternatives = [
            (str(classes[index]), round(float(probabilities[index]), 4)) for index in ranked[:2]
        ]
        top_intent, confidence = alternatives[0]
        margin = 0.0 if language in self.example_languages else CROSS_LINGUAL_OUT_OF_SCOPE_MARGIN
        negative_wins = (
            has_negative_class and probabilities[out_of_scope_index] - margin > confidence
        )
        if negative_wins or confidence < self.thresholds.out_of_scope:
            return Prediction(
                language, None, confidence, "out_of_scope", alternatives, dict(entities)
            )
        runner_up = alternatives[1][1] if len(alternatives) > 1 else 0.0
        unsure = confidence < self.thresholds.answer or runner_up >= CLARIFY_MARGIN * confidence
        return Prediction(
            language,
            top_intent,
            confidence,
            "clarify" if unsure else "answer",
            alternatives,
            dict(entities),
        )

    def save(self, path: str | Path) -> None:
        state = dict(self.__dict__, _encoder=None)  # encoders hold C handles
        with Path(path).open("wb") as handle:
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: str | Path) -> Understanding:
        with Path(path).open("rb") as handle:
            state = pickle.load(handle)
        understanding = cls.__new__(cls)
        understanding.__dict__.update(state)
        return understanding


def _openings(rows: Sequence[Example]) -> tuple[str, ...]:
    phrases = {
        " ".join(_CLAUSE_END.sub(" ", for_embedding(text)).split())
        for intent_id, _, text in rows
        if intent_id in OPENING_INTENTS
    }
    return tuple(
        sorted(
            (phrase for phrase in phrases if phrase and len(phrase.split()) <= MAX_OPENING_WORDS),
            key=len,
            reverse=True,
        )
    )


def _cross_validated_thresholds(
    vectors: np.ndarray, lexical_texts: list[str], labels: np.ndarray, use_lexical: np.ndarray
) -> Thresholds:
    from sklearn.model_selection import StratifiedKFold

    smallest_class = min(np.unique(labels, return_counts=True)[1])
    folds = StratifiedKFold(n_splits=min(CV_FOLDS, smallest_class), shuffle=True, random_state=0)
    top_probability = np.zeros(len(labels))
    correct = np.zeros(len(labels), dtype=bool)
    predicted_negative = np.zeros(len(labels), dtype=bool)
    for train_index, test_index in folds.split(vectors, labels):
        scorers = _Scorers.fit(
            vectors[train_index], [lexical_texts[i] for i in train_index], labels[train_index]
        )
        probabilities = scorers.probabilities(
            vectors[test_index], [lexical_texts[i] for i in test_index], use_lexical[test_index]
        )
        intent_columns = scorers.classes != OUT_OF_SCOPE
        intent_probabilities = np.where(intent_columns, probabilities, -1.0)
        best = intent_probabilities.argmax(axis=1)
        top_probability[test_index] = intent_probabilities.max(axis=1)
        correct[test_index] = scorers.classes[best] == labels[test_index]
        if not intent_columns.all():
            negative_column = int(np.flatnonzero(~intent_columns)[0])
            predicted_negative[test_index] = (
                probabilities[:, negative_column] > top_probability[test_index]
            )
    return _choose_thresholds(top_probability, correct, labels == OUT_OF_SCOPE, predicted_negative)


def train_from_examples(
    examples: Sequence[Example],
    *,
    encoder: Encoder | str | None = None,
    cache: EmbeddingCache | None = None,
    negatives: Sequence[Example] | None = None,
    previous: Understanding | None = None,
) -> Understanding:
    """Train from (intent_id, lang, text) rows, e.g. read from the database.

    Pass the same `cache` between calls: only new or changed example texts are
    encoded again. Pass `previous` (the model being replaced) to reuse its
    cross-validated thresholds and skip cross-validation: a few edited examples
    barely move them, and the update is then live in about two seconds.
    Recalibrate with a full train (no `previous`) on a schedule, e.g. nightly.
    """
    started = time.perf_counter()
    limit_threads()
    if not examples:
        raise ValueError("no training examples")
    encoder = get_encoder(encoder) if encoder is None or isinstance(encoder, str) else encoder
    cache = cache if cache is not None else EmbeddingCache()
    rows = list(examples) + load_social_phrases({intent_id for intent_id, _, _ in examples})
    rows += list(load_negatives() if negatives is None else negatives)
    labels = np.array([intent_id for intent_id, _, _ in rows])
    vectors = cache.encode(encoder, [for_embedding(text) for _, _, text in rows])
    lexical_texts = [for_lexical(text) for _, _, text in rows]
    use_lexical = np.array([lang in LEXICAL_LANGUAGES for _, lang, _ in rows])
    if previous is not None and previous.encoder_name == encoder.name:
        thresholds = previous.thresholds
    else:
        thresholds = _cross_validated_thresholds(vectors, lexical_texts, labels, use_lexical)
    scorers = _Scorers.fit(vectors, lexical_texts, labels)
    understanding = Understanding(encoder.name, scorers, thresholds, list(examples), 0.0)
    understanding._encoder = encoder
    understanding._example_languages = frozenset(lang for _, lang, _ in examples)
    understanding._openings = _openings(rows)
    understanding._answer_vectors = cache.encode(
        encoder, [for_embedding(text) for text in answer_data().texts]
    )
    crisis = crisis_data()
    understanding._crisis_vectors = cache.encode(
        encoder, [for_embedding(text) for text in crisis.examples + crisis.ordinary]
    )
    understanding.training_seconds = time.perf_counter() - started
    return understanding


def train(
    kb_or_examples: KnowledgeBase | Sequence[Example],
    *,
    encoder: Encoder | str | None = None,
    cache: EmbeddingCache | None = None,
    previous: Understanding | None = None,
) -> Understanding:
    """Train from a KnowledgeBase or from (intent_id, lang, text) rows."""
    examples = (
        kb_or_examples.training_examples()
        if isinstance(kb_or_examples, KnowledgeBase)
        else kb_or_examples
    )
    return train_from_examples(examples, encoder=encoder, cache=cache, previous=previous)
