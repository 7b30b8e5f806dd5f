"""The rules of progress, in one place: what is unlocked, what counts, what is complete.

Pure functions over rows already fetched, so the learner's pages, the services that write
progress and the staff views all reach the same figures.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tremplin.learning.models import Lesson, Module

# Time spent is estimated from opening a lesson to completing it (or answering its quiz), capped
# so that a tab left open overnight does not count as a night of study.
TIME_CAP_PER_OPENING = timedelta(minutes=30)
INACTIVE_AFTER = timedelta(days=14)


@dataclass
class LessonState:
    lesson: Lesson
    done: bool
    unlocked: bool
    attempts: int = 0
    best_score: int | None = None


@dataclass
class ModuleState:
    module: Module
    unlocked: bool
    done: bool
    lessons: list[LessonState] = field(default_factory=list)


@dataclass
class Outline:
    modules: list[ModuleState]
    counted: int  # lessons that count for completion (required lessons and every quiz)
    counted_done: int

    @property
    def percent(self) -> int:
        return 100 * self.counted_done // self.counted if self.counted else 0

    @property
    def is_complete(self) -> bool:
        return self.counted > 0 and self.counted_done == self.counted

    def lesson_state(self, lesson_id: int) -> LessonState | None:
        for module in self.modules:
            for state in module.lessons:
                if state.lesson.pk == lesson_id:
                    return state
        return None

    def next_lesson(self, last_lesson_id: int | None) -> Lesson | None:
        """Where to continue: the last lesson opened if unfinished, else the first unfinished one."""
        states = [state for module in self.modules for state in module.lessons]
        for state in states:
            if state.lesson.pk == last_lesson_id and not state.done and state.unlocked:
                return state.lesson
        for state in states:
            if state.unlocked and not state.done and state.lesson.counts_for_completion:
                return state.lesson
        return None


def build_outline(
    *,
    modules: Sequence[Module],
    lessons: Iterable[Lesson],
    done_lesson_ids: set[int],
    attempts: dict[int, list[int]] | None = None,
) -> Outline:
    """`attempts` maps a quiz lesson id to its scores, in order."""
    attempts = attempts or {}
    by_module: dict[int, list[Lesson]] = {}
    for lesson in lessons:
        by_module.setdefault(lesson.module_id, []).append(lesson)
    states: list[ModuleState] = []
    counted = counted_done = 0
    previous_done = True
    for module in modules:
        unlocked = previous_done or not module.requires_previous
        module_lessons = by_module.get(module.pk, [])
        lesson_states = []
        for lesson in module_lessons:
            scores = attempts.get(lesson.pk, [])
            done = lesson.pk in done_lesson_ids
            lesson_states.append(
                LessonState(lesson, done, unlocked, len(scores), max(scores) if scores else None)
            )
            if lesson.counts_for_completion:
                counted += 1
                counted_done += done
        done = all(s.done for s in lesson_states if s.lesson.counts_for_completion)
        states.append(ModuleState(module, unlocked, done, lesson_states))
        previous_done = done and unlocked
    return Outline(states, counted, counted_done)


def is_inactive(
    *, last_activity_at: datetime | None, completed_at: datetime | None, now: datetime
) -> bool:
    """No activity for 14 days (counted from enrolment when never active) and not finished."""
    return (
        completed_at is None
        and last_activity_at is not None
        and now - last_activity_at >= INACTIVE_AFTER
    )
