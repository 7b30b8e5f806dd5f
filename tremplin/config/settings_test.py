"""Test settings: the production settings with a fast hasher, eager tasks and a local mailbox."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("TASKS_IMMEDIATE", "1")

from tremplin.config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
HUEY["immediate"] = True  # noqa: F405
# collectstatic does not run for tests: serve from the finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Files tests write (the outbox of the file adapter, the assistant's embedding cache) go to a
# temporary folder, never the working folder.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

_TEST_FILES = Path(tempfile.mkdtemp(prefix="tremplin-tests-"))
MESSAGING_OUTBOX_DIR = _TEST_FILES / "outbox"
ASSISTANT_DATA_DIR = _TEST_FILES / "assistant"
# Tests keep a per-process cache (fast, emptied between tests); production shares one across
# processes (tremplin.ops.cache), exercised by tremplin/ops/tests and the scale-out test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Pages are built fresh in tests (a test's writes never commit, so the cache's version would not
# move); tremplin/core/tests/test_pagecache.py turns the anonymous page cache on for itself.
PUBLIC_PAGE_CACHE_SECONDS = 0
