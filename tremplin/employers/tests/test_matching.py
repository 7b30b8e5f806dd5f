"""The mentor matching maximises the total score (checked against brute force on small
generated cases) and never breaks a mentor's capacity or a hard constraint."""

import itertools
import random

import pytest

from tremplin.employers.matching import Person, best_pairs, score

NOCS = ["21232", "21231", "21300", "31301", "33102", "63200", "65200", "11100"]
LANGUAGES = ["en", "fr", "es", "ar"]
MODES = ["online", "in_person"]
TIMES = ["weekday_day", "weekday_evening", "weekend"]


def _some(rng: random.Random, values: list[str]) -> frozenset[str]:
    return frozenset(rng.sample(values, rng.randint(1, 2)))


def population(seed: int, mentees: int, mentors: int) -> tuple[list[Person], list[Person]]:
    rng = random.Random(seed)

    def person(key: int, capacity: int = 1) -> Person:
        return Person(
            key=key,
            noc_code=rng.choice(NOCS),
            languages=_some(rng, LANGUAGES),
            modes=_some(rng, MODES),
            location_type=rng.choice(["urban", "rural", ""]),
            availability=_some(rng, TIMES),
            capacity=capacity,
        )

    return (
        [person(i) for i in range(mentees)],
        [person(100 + j, capacity=rng.randint(1, 2)) for j in range(mentors)],
    )


def brute_force_best(mentees: list[Person], mentors: list[Person]) -> float:
    """Try every way of giving each mentee one mentor or none, within capacities."""
    options = [None, *mentors]
    best = 0.0
    for choice in itertools.product(options, repeat=len(mentees)):
        used: dict[int, int] = {}
        total = 0.0
        feasible = True
        for mentee, mentor in zip(mentees, choice, strict=True):
            if mentor is None:
                continue
            used[mentor.key] = used.get(mentor.key, 0) + 1
            pair = score(mentee, mentor)
            if pair is None or used[mentor.key] > mentor.capacity:
                feasible = False
                break
            total += pair.score
        if feasible:
            best = max(best, total)
    return best


def check_valid(pairs, mentees: list[Person], mentors: list[Person]) -> None:
    by_key = {m.key: m for m in mentors}
    mentee_by_key = {m.key: m for m in mentees}
    assert len({p.mentee for p in pairs}) == len(pairs), "a mentee got two mentors"
    for mentor in mentors:
        assert sum(p.mentor == mentor.key for p in pairs) <= mentor.capacity
    for pair in pairs:
        mentee, mentor = mentee_by_key[pair.mentee], by_key[pair.mentor]
        assert mentee.languages & mentor.languages, "pairs need a language in common"
        assert mentee.modes & mentor.modes, "pairs need a way of meeting in common"


@pytest.mark.parametrize("seed", range(40))
def test_best_pairs_match_brute_force_on_small_cases(seed):
    rng = random.Random(1000 + seed)
    mentees, mentors = population(seed, rng.randint(1, 5), rng.randint(1, 4))
    pairs = best_pairs(mentees, mentors)
    check_valid(pairs, mentees, mentors)
    assert sum(p.score for p in pairs) == pytest.approx(brute_force_best(mentees, mentors))


def test_a_large_population_respects_capacity_and_hard_constraints():
    mentees, mentors = population(7, 120, 40)
    pairs = best_pairs(mentees, mentors)
    check_valid(pairs, mentees, mentors)
    assert len(pairs) > 30


def test_a_greedy_choice_is_not_what_we_do():
    """The best mentor of the first mentee is the only one the second can have: an optimal
    assignment gives the first mentee the other mentor, a greedy loop would not."""
    first = Person(1, "21232", frozenset({"en", "fr"}), frozenset({"online"}))
    second = Person(2, "21232", frozenset({"fr"}), frozenset({"online"}))
    star = Person(10, "21232", frozenset({"fr"}), frozenset({"online"}))
    other = Person(11, "31301", frozenset({"en"}), frozenset({"online"}))
    pairs = best_pairs([first, second], [star, other])
    assert {(p.mentee, p.mentor) for p in pairs} == {(1, 11), (2, 10)}


def test_forbidden_pairs_and_incompatible_people_are_never_proposed():
    mentee = Person(1, "21232", frozenset({"en"}), frozenset({"in_person"}))
    online_only = Person(10, "21232", frozenset({"en"}), frozenset({"online"}))
    other_language = Person(11, "21232", frozenset({"ar"}), frozenset({"in_person"}))
    fine = Person(12, "63200", frozenset({"en"}), frozenset({"in_person"}))
    assert best_pairs([mentee], [online_only, other_language]) == []
    assert [p.mentor for p in best_pairs([mentee], [online_only, other_language, fine])] == [12]
    assert best_pairs([mentee], [fine], forbidden={(1, 12)}) == []


def test_capacity_is_expanded_into_places():
    mentees = [Person(i, "21232", frozenset({"en"}), frozenset({"online"})) for i in range(4)]
    mentor = Person(10, "21232", frozenset({"en"}), frozenset({"online"}), capacity=3)
    assert len(best_pairs(mentees, [mentor])) == 3
    assert (
        best_pairs(mentees, [Person(11, "21232", frozenset({"en"}), frozenset(), capacity=0)]) == []
    )
