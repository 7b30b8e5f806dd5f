"""Where uploaded files are stored: under random names, never the name the uploader chose.

A random name cannot be guessed from a course or a session, and cannot collide with or overwrite
another file; the files are served only through views that check who is asking.
"""

import secrets


def random_file_name(folder: str, filename: str) -> str:
    """`folder/<32 random hex characters>.<the upload's extension>`."""
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"{folder}/{secrets.token_hex(16)}.{suffix}"
