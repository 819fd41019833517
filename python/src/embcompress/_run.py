"""`run`: the installed `embcompress` command from Python, its JSON output parsed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any, Optional

#: The subcommands; anything else as the first argument is an input table (`convert`).
COMMANDS = ("convert", "info", "inspect", "expand", "lookup", "evaluate")
#: The subcommands that print JSON with `--json`.
JSON_COMMANDS = ("convert", "info", "inspect", "lookup", "evaluate")


class EmbCompressError(RuntimeError):
    """The `embcompress` command failed. `message` is its one-line error (it names the file),
    `exit_code` its sysexits code (64 usage, 65 data, 66 no input, 73 cannot create, 74 I/O),
    `stderr` all it wrote there, `args` the command line."""

    def __init__(self, message: str, exit_code: int, stderr: str, argv):
        super().__init__(f"{message} (exit {exit_code})")
        self.message = message
        self.exit_code = exit_code
        self.stderr = stderr
        self.argv = list(argv)


def binary() -> str:
    """The `embcompress` executable: `$EMBCOMPRESS` when set, else the one on PATH."""
    configured = os.environ.get("EMBCOMPRESS")
    if configured:
        return configured
    found = shutil.which("embcompress")
    if found is None:
        raise FileNotFoundError("the embcompress command is not on PATH; install it or set EMBCOMPRESS to its path")
    return found


def run(*args, timeout: Optional[float] = None) -> Any:
    """Runs ``embcompress ARGS…`` and returns what it printed as JSON, parsed: the report for a
    conversion (``run("in.h5", "out.qr", "--scheme", "qr", "--force")``) or ``evaluate``, the
    listing for ``info``, ``inspect`` and ``lookup``. ``--json`` is added unless the arguments
    already have it or ``--quiet``; for ``expand`` (no JSON output) or with ``--quiet`` the
    printed text is returned as a string.

    A failure raises `EmbCompressError` carrying the command's one-line message and exit code."""
    argv = [binary(), *(os.fspath(a) if isinstance(a, os.PathLike) else str(a) for a in args)]
    command = argv[1] if len(argv) > 1 and argv[1] in COMMANDS else "convert"
    wants_json = command in JSON_COMMANDS and "--quiet" not in argv and "--help" not in argv
    if wants_json and "--json" not in argv:
        argv.append("--json")
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        message = lines[-1].strip() if lines else f"embcompress exited with {result.returncode}"
        for prefix in ("embcompress: ", "Error: "):
            if message.startswith(prefix):
                message = message[len(prefix):]
        raise EmbCompressError(message, result.returncode, result.stderr, argv)
    if not wants_json:
        return result.stdout.strip()
    try:
        return json.loads(result.stdout)
    except ValueError:
        raise EmbCompressError(
            "embcompress printed no JSON: " + result.stdout.strip()[:200], result.returncode, result.stderr, argv) from None
