"""Running the installed `birnn-lint` entry point on hostile input, for tests/hardening.

Every run asserts the promises that hold whatever the input: no Python traceback on
stderr and no death by a signal (a crash in native code shows up as one).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from entry_point import BIRNN_LINT, FLAGGED, write  # noqa: F401 - re-exported


def flagged_message() -> str:
    """BRN002's message for FLAGGED, from the library: the tests here are about where
    and whether findings appear, not about their wording."""
    from birnn_lint.engine import check_source

    (finding,) = check_source(FLAGGED, "model.py")
    assert finding.code == "BRN002"
    return finding.message


def flagged_line(display: str, row: int = 6, column: int = 8, marker: str = "[unsafe fix]") -> str:
    """The concise line of FLAGGED's finding in a file shown as `display`."""
    return f"{display}:{row}:{column}: BRN002 {marker} {flagged_message()}"


@dataclass
class Result:
    code: int
    out: str
    err: str
    seconds: float = 0.0
    max_rss: int = 0  # bytes
    raw_out: bytes = b""  # stdout as written (fixed source from standard input)

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(extra)
    return env


def _checked(code: int, out: bytes, err: bytes) -> Result:
    text_err = err.decode("utf-8", "replace")
    assert code >= 0, f"birnn-lint was killed by signal {signal.Signals(-code).name}\n{text_err}"
    assert "Traceback" not in text_err, f"a traceback reached the user:\n{text_err}"
    return Result(code, out.decode("utf-8", "replace"), text_err, raw_out=out)


def birnn(
    *args: str | Path,
    cwd: Path,
    input: bytes | str | None = None,
    prefix: tuple[str, ...] = (),
    timeout: float = 120,
) -> Result:
    """Run `birnn-lint ARGS` (after `prefix`, e.g. a command that drops root)."""
    data = input.encode("utf-8") if isinstance(input, str) else input
    done = subprocess.run(
        [*prefix, BIRNN_LINT, *map(str, args)],
        cwd=cwd,
        input=data,
        capture_output=True,
        env=environment(),
        timeout=timeout,
    )
    return _checked(done.returncode, done.stdout, done.stderr)


def birnn_measured(*args: str | Path, cwd: Path, timeout: float, address_space: int) -> Result:
    """Run birnn-lint with its wall time and peak memory measured (wait4 gives the
    child's own rusage), killed at `timeout` and limited to `address_space` bytes, so
    that a run that blows the bounds fails fast instead of taking the machine."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [BIRNN_LINT, *map(str, args)],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=environment(),
            preexec_fn=limit,
        )
        status, usage = 0, None
        while usage is None:
            pid, status, usage_now = os.wait4(process.pid, os.WNOHANG)
            if pid:
                usage = usage_now
            elif time.monotonic() - started > timeout:
                process.kill()
                _, status, usage = os.wait4(process.pid, 0)
                process.returncode = -signal.SIGKILL
                pytest.fail(f"birnn-lint {' '.join(map(str, args))} took over {timeout} s")
            else:
                time.sleep(0.02)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = _checked(process.returncode, out.read(), err.read())
    result.seconds = seconds
    result.max_rss = usage.ru_maxrss * 1024  # Linux reports KiB
    return result


# --- running as another user ------------------------------------------------------------


def drop_root_prefix() -> tuple[str, ...]:
    """A command prefix that runs birnn-lint as `nobody` when the tests run as root (root
    reads mode-000 files); () for other users; skips when root cannot drop privileges."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot test an unreadable file")
    return (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder `nobody` can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="birnn-lint-hardening-"))
    try:
        os.chmod(folder, 0o755)
        yield folder
    finally:
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                os.chmod(path, 0o755)
        shutil.rmtree(folder)
