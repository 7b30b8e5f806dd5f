import json
from pathlib import Path

from django.conf import settings

from tremplin.clients.services import consent_give, consent_withdraw


def outbox_lines(channel: str) -> list[dict]:
    path = Path(settings.MESSAGING_OUTBOX_DIR) / f"{channel}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def lines_for(message) -> list[dict]:
    """Lines the file adapter wrote for this message (any attempt)."""
    return [
        line
        for line in outbox_lines(message.channel)
        if line.get("key", "").split(":")[0] == str(message.pk)
    ]


def consent(client, *channels: str, given: bool = True) -> None:
    for channel in channels:
        (consent_give if given else consent_withdraw)(
            client=client, purpose=f"contact_{channel}", actor=None
        )
