"""One language-model process shared by every web worker of an app server.

lingua's high-accuracy models take ~400 MB. Loaded in each worker (even forked from a preloaded
master, where the pages are shared) they count in every worker's resident memory; `tremplin
serve` therefore starts this process once, and the workers ask it for a message's language scores
over a Unix socket (`ASSISTANT_LANGID_SOCKET`), one JSON line each way. Without the variable (tests,
the development server, the task worker) the models load in the process itself, as before.

`SharedLanguageModels` runs `serve(SOCKET_PATH)` in a child process; it exits when its parent does.
"""

from __future__ import annotations

import json
import os
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SOCKET_ENV = "ASSISTANT_LANGID_SOCKET"
# A message is at most 1,000 characters (the assistant's cap); 4 bytes each in UTF-8, plus JSON.
MAX_REQUEST_BYTES = 16_384
CLIENT_TIMEOUT_SECONDS = 5.0


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        from tremplin.assistant.nlu.langid import local_scores

        for line in self.rfile:
            if len(line) > MAX_REQUEST_BYTES:
                return
            try:
                text = json.loads(line)["text"]
                answer = {"scores": local_scores(str(text))}
            except (ValueError, KeyError, TypeError):
                answer = {"scores": {}}
            self.wfile.write(json.dumps(answer).encode() + b"\n")


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def serve(path: str) -> None:
    """Load the models, listen on `path` (made ready atomically: bound under a temporary name and
    renamed, so a worker never connects before the models are loaded), and exit with the parent."""
    from tremplin.assistant.nlu.langid import default_identifier

    os.environ.pop(SOCKET_ENV, None)  # this process is the one that loads the models
    default_identifier().preload()  # every model, before the first worker asks
    parent = os.getppid()
    temporary = f"{path}.{os.getpid()}"
    Path(temporary).unlink(missing_ok=True)
    server = _Server(temporary, _Handler)
    os.replace(temporary, path)

    def exit_with_parent() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        server.shutdown()

    threading.Thread(target=exit_with_parent, daemon=True).start()
    try:
        server.serve_forever()
    finally:
        Path(path).unlink(missing_ok=True)


def remote_scores(path: str, text: str) -> dict[str, float] | None:
    """The shared process's scores for `text`, or None when it cannot be reached."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(CLIENT_TIMEOUT_SECONDS)
            connection.connect(path)
            connection.sendall(json.dumps({"text": text}).encode() + b"\n")
            reply = connection.makefile("rb").readline()
        return {str(code): float(value) for code, value in json.loads(reply)["scores"].items()}
    except (OSError, ValueError, KeyError, AttributeError):
        return None


def wait_until_ready(path: str, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if remote_scores(path, "hello") is not None:
            return True
        time.sleep(0.05)
    return False


class SharedLanguageModels:
    """The language-model process of one app server: started before the workers fork (they
    inherit `ASSISTANT_LANGID_SOCKET`), restarted if it dies, stopped with the server."""

    def __init__(self) -> None:
        self.path = str(Path(tempfile.mkdtemp(prefix="tremplin-langid-")) / "langid.sock")
        self.process: subprocess.Popen[bytes] | None = None
        self._stopping = False
        self._owner = os.getpid()

    def start(self) -> None:
        os.environ[SOCKET_ENV] = self.path
        self._spawn()
        threading.Thread(target=self._supervise, daemon=True).start()

    def _spawn(self) -> None:
        # Not `-m`: the nlu package imports this module, and runpy would warn of a second copy.
        launch = (
            "import sys; from tremplin.assistant.nlu.langid_server import serve; serve(sys.argv[1])"
        )
        command = [sys.executable, "-c", launch, self.path]
        self.process = subprocess.Popen(command)

    def _supervise(self) -> None:
        while not self._stopping:
            assert self.process is not None
            self.process.wait()
            if not self._stopping:
                time.sleep(1)  # a process that cannot start must not spin
                self._spawn()

    def stop(self) -> None:
        if os.getpid() != self._owner:
            return  # a forked worker unwinding through the server's stack on its way out
        self._stopping = True
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        Path(self.path).unlink(missing_ok=True)
        Path(self.path).parent.rmdir()
