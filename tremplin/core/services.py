"""What every app's services share: who acts, and how a rule refuses an action."""

from django.contrib.auth.models import AnonymousUser
from django.utils.functional import Promise

from tremplin.accounts.models import User

# Who makes a change: a person, an anonymous visitor (self-service pages), or nobody (a task,
# a command, the demo).
Actor = User | AnonymousUser | None


class Refused(Exception):
    """A refused action: `code` for programs (the assistant, the API, tests), `message` for
    people. Nothing was written."""

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(code)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
