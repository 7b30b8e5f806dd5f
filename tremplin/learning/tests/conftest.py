import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """URLs reversed in tests carry /en/, whatever an earlier request activated."""
    translation.activate("en")
    yield
    translation.deactivate()
