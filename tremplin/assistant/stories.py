"""Conversation stories: whole conversations as data (YAML), checked turn by turn.

A story file (tremplin/assistant/stories/*.yaml) is a list of stories::

    - name: registers online, in Arabic
      channel: web                 # web (signed-in client) or sms (the client's phone)
      sessions:                    # made before the first turn (programs' own service)
        - {title: Resume workshop, mode: online, days: 3}
      registered: [0]              # indexes of sessions the client already holds
      occupation: "31301"          # the client's NOC code (job matching)
      postings:                    # open job postings (employers app), before the first turn
        - {title: Registered nurse, noc: "31301", employer: Prairie Health}
      # a session with `employers: [A, B]` is made a hiring event with those employers
      turns:
        - say: "أريد التسجيل في ورشة السيرة الذاتية"
          intent: register_for_session   # what the model understood (omit after a question)
          lang: ar                       # language of each of the assistant's sentences (lingua)
          step: confirm_register         # question left pending ("none": no question)
          contains: "..."                # a piece of the replies
          registrations: 0               # the client's active registrations after the turn
          status: open                   # open / handed_over
          reason: sensitive              # hand-off reason

`tremplin assistant test-stories` runs them (through the suite's test module
tremplin/assistant/tests/test_stories.py, on a throw-away database); `load_stories()` is what
both read.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

STORIES_DIR = Path(__file__).with_name("stories")
TURN_KEYS = {"say", "intent", "lang", "step", "contains", "registrations", "status", "reason"}
STORY_KEYS = {"name", "channel", "sessions", "registered", "turns", "occupation", "postings"}


class StoryError(ValueError):
    pass


@dataclass(frozen=True)
class Story:
    name: str
    channel: str
    sessions: list[dict[str, Any]]
    registered: list[int]
    turns: list[dict[str, Any]]
    source: str = ""
    occupation: str = ""
    postings: list[dict[str, Any]] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)


def _check(story: dict[str, Any], where: str) -> Story:
    unknown = set(story) - STORY_KEYS
    if unknown or "name" not in story or not story.get("turns"):
        raise StoryError(f"{where}: a story needs a name and turns (unknown keys: {unknown})")
    for turn in story["turns"]:
        if "say" not in turn or set(turn) - TURN_KEYS:
            raise StoryError(f"{where}: bad turn {turn!r}")
    channel = story.get("channel", "web")
    if channel not in ("web", "sms"):
        raise StoryError(f"{where}: channel is web or sms")
    return Story(
        name=story["name"],
        channel=channel,
        sessions=list(story.get("sessions", [])),
        registered=list(story.get("registered", [])),
        turns=list(story["turns"]),
        source=where,
        occupation=str(story.get("occupation", "")),
        postings=list(story.get("postings", [])),
        languages={turn["lang"] for turn in story["turns"] if turn.get("lang")},
    )


def load_stories(directory: Path = STORIES_DIR) -> list[Story]:
    stories: list[Story] = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for index, story in enumerate(data):
            stories.append(_check(story, f"{path.name}#{index + 1}"))
    return stories
