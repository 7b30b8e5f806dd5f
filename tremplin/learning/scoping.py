"""Agency scoping for course content, which one agency owns or the network shares with several.

django-scopes' ScopedManager filters on one foreign key (`agency=…`), which would hide every
network course from the agencies it is shared with. Course content therefore uses this manager:
it reads the same django-scopes state, so inside an agency page it returns only the content that
agency may see (its own courses and those the network shares with it), with no scope at all it
raises ScopeError like every other agency model, and `with_scope()` / `with_scopes_disabled()`
behave as they do on ScopedManager.
"""

import copy
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django_scopes.manager import DisabledQuerySet
from django_scopes.state import get_scope


def _agency_ids(value: Any) -> list[int]:
    values: Iterable[Any] = value if isinstance(value, list | tuple | set | frozenset) else [value]
    return [getattr(item, "pk", item) for item in values]


def visible_courses_q(agency_ids: list[int]) -> Q:
    """Courses owned by one of these agencies, or owned by their network and shared with them."""
    from tremplin.agencies.models import Agency
    from tremplin.learning.models import Course

    networks = Agency.objects.filter(pk__in=agency_ids).values("network_id")
    chosen = Course.shared_with.through.objects.filter(agency_id__in=agency_ids).values("course_id")
    return Q(agency_id__in=agency_ids) | Q(
        Q(shared_with_all=True) | Q(pk__in=chosen), agency__isnull=True, network_id__in=networks
    )


class CourseContentQuerySet(models.QuerySet):
    course_path = ""

    def _clone(self) -> "CourseContentQuerySet":
        clone = super()._clone()  # type: ignore[misc]
        clone.course_path = self.course_path
        return clone

    def visible_to(self, agency: Any) -> "CourseContentQuerySet":
        ids = _agency_ids(agency)
        if not self.course_path:
            return self.filter(visible_courses_q(ids))
        from tremplin.learning.models import Course

        visible = Course._base_manager.filter(visible_courses_q(ids)).values("pk")
        return self.filter(**{f"{self.course_path}__in": visible})


class _CourseContentManager(models.Manager):
    course_path = ""  # from the model to its Course ("" for Course itself)

    def with_scope(self, **scope: Any) -> "_CourseContentManager":
        cloned = copy.copy(self)
        cloned._override_scope = {**scope, "_enabled": True}  # type: ignore[attr-defined]
        return cloned

    def with_scopes_disabled(self) -> "_CourseContentManager":
        cloned = copy.copy(self)
        cloned._override_scope = {"_enabled": False}  # type: ignore[attr-defined]
        return cloned

    def get_queryset(self) -> models.QuerySet:
        queryset = CourseContentQuerySet(self.model, using=self._db)
        queryset.course_path = self.course_path
        current = getattr(self, "_override_scope", None) or get_scope()
        if not current.get("_enabled", True):
            return queryset
        if "agency" not in current:
            return DisabledQuerySet(self.model, using=self._db, missing_scopes={"agency"})
        return queryset.visible_to(current["agency"])

    def visible_to(self, agency: Any) -> CourseContentQuerySet:
        queryset = self.get_queryset()
        if isinstance(queryset, DisabledQuerySet):
            queryset.error()
        return queryset.visible_to(agency)  # type: ignore[attr-defined]


def CourseContentManager(course_path: str = "") -> _CourseContentManager:  # noqa: N802 (like ScopedManager)
    """The manager for a content model; a class per path, since Django builds related managers
    by subclassing the model's manager class and calling it without arguments."""
    manager_class = type(
        "CourseContentManager", (_CourseContentManager,), {"course_path": course_path}
    )
    return manager_class()
