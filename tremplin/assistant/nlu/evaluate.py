"""Accuracy, out-of-scope precision/recall and latency on labelled messages.

    python -m tremplin.assistant.nlu.evaluate --kb KB.yaml --cases CASES.jsonl [--json] [--encoder NAME]

Cases are JSON lines {"text", "lang", "expected"}; expected is an intent id or
"out_of_scope". A "clarify" decision counts as its top intent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tremplin.assistant.nlu.engine import Understanding

OUT_OF_SCOPE_LABEL = "out_of_scope"
WORST_INTENTS_SHOWN = 8


def load_cases(path: str | Path) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
        if ordered
        else 0.0
    )


def evaluate_cases(understanding: Understanding, cases: list[dict[str, Any]]) -> dict[str, Any]:
    per_language: dict[str, list[bool]] = defaultdict(list)
    per_intent: dict[str, list[str]] = defaultdict(list)
    latencies_ms: list[float] = []
    true_positive = predicted_out = actual_out = 0
    for case in cases:
        started = time.perf_counter()
        prediction = understanding.predict(case["text"])
        latencies_ms.append((time.perf_counter() - started) * 1000)
        predicted = (
            OUT_OF_SCOPE_LABEL if prediction.decision == "out_of_scope" else prediction.intent
        )
        expected = case["expected"]
        per_language[case.get("lang", "?")].append(predicted == expected)
        per_intent[expected].append(predicted or OUT_OF_SCOPE_LABEL)
        predicted_out += predicted == OUT_OF_SCOPE_LABEL
        actual_out += expected == OUT_OF_SCOPE_LABEL
        true_positive += predicted == expected == OUT_OF_SCOPE_LABEL
    confusion = []
    for intent, predictions in per_intent.items():
        accuracy = sum(p == intent for p in predictions) / len(predictions)
        confused_with = dict(Counter(p for p in predictions if p != intent).most_common())
        if confused_with:
            confusion.append(
                {"intent": intent, "accuracy": round(accuracy, 3), "confused_with": confused_with}
            )
    confusion.sort(key=lambda row: (row["accuracy"], row["intent"]))
    outcomes = [ok for results in per_language.values() for ok in results]
    return {
        "n": len(cases),
        "accuracy": sum(outcomes) / max(1, len(outcomes)),
        "per_language": {lang: sum(r) / len(r) for lang, r in sorted(per_language.items())},
        "oos_precision": true_positive / predicted_out if predicted_out else 1.0,
        "oos_recall": true_positive / actual_out if actual_out else 1.0,
        "p50_ms": _percentile(latencies_ms, 0.50),
        "p95_ms": _percentile(latencies_ms, 0.95),
        "confusion": confusion[:WORST_INTENTS_SHOWN],
    }


def language_accuracy(cases: list[dict[str, Any]]) -> float:
    """Share of cases whose `lang` the language identifier reproduces."""
    from tremplin.assistant.nlu.langid import identify_language

    return sum(identify_language(case["text"]) == case["lang"] for case in cases) / max(
        1, len(cases)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tremplin.assistant.nlu.evaluate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--kb", required=True, help="knowledge base YAML to train on")
    parser.add_argument("--cases", required=True, help="JSON lines of {text, lang, expected}")
    parser.add_argument(
        "--encoder", default=None, help="e5, use or char-ngram (default: best installed)"
    )
    parser.add_argument("--json", action="store_true", help="end with one line of JSON figures")
    args = parser.parse_args(argv)

    from tremplin.assistant.nlu.engine import train
    from tremplin.assistant.nlu.kb import KnowledgeBaseError, load_knowledge_base

    try:
        kb = load_knowledge_base(Path(args.kb).read_text(encoding="utf-8"), source=args.kb)
    except KnowledgeBaseError as error:
        print(f"{args.kb}: {error}", file=sys.stderr)
        return 2
    cases = load_cases(args.cases)
    understanding = train(kb, encoder=args.encoder)
    understanding.predict("hello")  # warm-up: lazy models load outside the timings
    figures = evaluate_cases(understanding, cases)
    figures["training_seconds"] = understanding.training_seconds
    figures["encoder"] = understanding.encoder_name
    figures["language_id_accuracy"] = language_accuracy(cases)

    print(
        f"encoder           {figures['encoder']}  (trained in {figures['training_seconds']:.1f} s)"
    )
    print(f"cases             {figures['n']}")
    print(f"accuracy          {figures['accuracy']:.3f}")
    for lang, accuracy in figures["per_language"].items():
        print(f"  {lang:<15} {accuracy:.3f}")
    print(
        f"out of scope      precision {figures['oos_precision']:.3f}  recall {figures['oos_recall']:.3f}"
    )
    print(f"latency           p50 {figures['p50_ms']:.1f} ms  p95 {figures['p95_ms']:.1f} ms")
    print(f"language id       {figures['language_id_accuracy']:.3f}")
    print("worst intents:")
    for row in figures["confusion"]:
        print(f"  {row['intent']:<30} {row['accuracy']:.2f}  confused with {row['confused_with']}")
    if args.json:
        keys = (
            "accuracy",
            "per_language",
            "oos_precision",
            "oos_recall",
            "p50_ms",
            "p95_ms",
            "training_seconds",
            "encoder",
            "language_id_accuracy",
            "n",
        )
        print(json.dumps({key: figures[key] for key in keys}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
