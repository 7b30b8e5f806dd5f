"""Mentor matching: score every (mentee, mentor) pair, then pick the pairs that maximise the
total score with scipy's optimal assignment (`linear_sum_assignment`, the Hungarian method's
modern variant), never a greedy loop.

- Hard constraints: a pair needs a language in common and a way of meeting in common
  (in person or online); a pair that fails them is forbidden (no score).
- Score (positive for every allowed pair): occupation (same NOC unit group 4, same minor
  group 3, same major group 2, same broad category 1), each extra language in common 0.5,
  both willing to meet online or in the same kind of place 1, availability overlap up to 2,
  plus a base of 1 so an allowed pair always beats no pair.
- Capacity: a mentor who may take k more mentees becomes k columns of the matrix.

A forbidden pair weighs 0 in the matrix and is dropped from the result; since every allowed
pair weighs more than 0, the best full assignment of the rectangular matrix restricted to its
positive cells is a maximum-weight matching of the allowed pairs (adding a 0-weight cell never
changes the total), which the tests check against brute force.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Person:
    """What matching needs of a mentor (with `capacity`) or of a mentee request."""

    key: int
    noc_code: str
    languages: frozenset[str]
    modes: frozenset[str]
    location_type: str = ""
    availability: frozenset[str] = frozenset()
    capacity: int = 1


@dataclass(frozen=True)
class Pair:
    mentee: int
    mentor: int
    score: float
    reasons: tuple[str, ...] = field(default=())


def _occupation_points(a: str, b: str) -> tuple[float, str]:
    if not a or not b:
        return 0.0, ""
    if a == b:
        return 4.0, "same_occupation"
    if a[:3] == b[:3]:
        return 3.0, "close_occupation"
    if a[:2] == b[:2]:
        return 2.0, "related_occupation"
    if a[:1] == b[:1]:
        return 1.0, "same_field"
    return 0.0, ""


def score(mentee: Person, mentor: Person) -> Pair | None:
    """The pair's score and reasons, or None when a hard constraint forbids it."""
    common_languages = mentee.languages & mentor.languages
    common_modes = mentee.modes & mentor.modes
    if not common_languages or not common_modes:
        return None
    reasons = ["common_language"]
    total = 1.0 + 0.5 * (len(common_languages) - 1)
    points, reason = _occupation_points(mentee.noc_code, mentor.noc_code)
    if points:
        total += points
        reasons.append(reason)
    if "online" in common_modes or (
        mentee.location_type and mentee.location_type == mentor.location_type
    ):
        total += 1.0
        reasons.append("can_meet")
    if mentee.availability:
        overlap = len(mentee.availability & mentor.availability) / len(mentee.availability)
        if overlap:
            total += 2.0 * overlap
            reasons.append("availability")
    return Pair(mentee=mentee.key, mentor=mentor.key, score=round(total, 4), reasons=tuple(reasons))


def best_pairs(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    *,
    forbidden: Collection[tuple[int, int]] = (),
) -> list[Pair]:
    """The allowed pairs of maximum total score, each mentor used at most `capacity` times
    and each mentee at most once. `forbidden` holds (mentee key, mentor key) pairs to avoid."""
    forbidden = set(forbidden)
    columns = [mentor for mentor in mentors for _ in range(max(0, mentor.capacity))]
    if not mentees or not columns:
        return []
    scored: dict[tuple[int, int], Pair | None] = {
        (i, mentor.key): None if (mentee.key, mentor.key) in forbidden else score(mentee, mentor)
        for i, mentee in enumerate(mentees)
        for mentor in mentors
    }
    # Imported here: scipy.optimize costs every app-server process 0.6 s at start.
    from scipy.optimize import linear_sum_assignment

    weights = np.zeros((len(mentees), len(columns)))
    for j, mentor in enumerate(columns):
        for i in range(len(mentees)):
            pair = scored[(i, mentor.key)]
            if pair is not None:
                weights[i, j] = pair.score
    rows, cols = linear_sum_assignment(weights, maximize=True)
    chosen = []
    for i, j in zip(rows, cols, strict=True):
        if weights[i, j] > 0:
            found = scored[(int(i), columns[j].key)]
            assert found is not None
            chosen.append(found)
    return sorted(chosen, key=lambda pair: (-pair.score, pair.mentee, pair.mentor))
