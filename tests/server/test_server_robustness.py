"""The server keeps serving: an internal error is logged and shown as BRN902, a
cancelled request is answered as cancelled, and shutdown/exit follow the protocol."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from entry_point import BIRNN_LINT
from lsp_support import MODEL, capabilities, diagnostics_of, open_document, start, wait_for
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import ClientServerConfig, LanguageClient

FAULTY = ClientServerConfig(
    server_command=[sys.executable, str(Path(__file__).with_name("faulty_server.py"))]
)


@pytest_lsp.fixture(config=FAULTY)
async def faulty(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_an_internal_error_is_logged_and_shown_as_brn902(
    faulty: LanguageClient, tmp_path: Path
) -> None:
    await start(faulty, tmp_path, capabilities(watch=False))
    bad = open_document(faulty, tmp_path / "bad.py", "# INJECTED_FAILURE\n" + MODEL)
    (diagnostic,) = await diagnostics_of(faulty, bad, 1)
    assert diagnostic.code == "BRN902"
    assert "RuntimeError: injected failure" in diagnostic.message
    await wait_for(lambda: faulty.log_messages)
    (log,) = [m for m in faulty.log_messages if m.type == types.MessageType.Error]
    assert "Traceback" in log.message and "injected failure" in log.message
    # The server goes on: another file is checked as usual.
    good = open_document(faulty, tmp_path / "good.py", MODEL)
    assert len(await diagnostics_of(faulty, good, 2)) == 2


@pytest.mark.asyncio
async def test_a_cancelled_request_is_answered_as_cancelled(
    client: LanguageClient, tmp_path: Path
) -> None:
    await start(client, tmp_path, capabilities(pull=True))
    # Long enough to analyse that the cancellation arrives while it runs.
    body = MODEL.split("\n", 2)[2]
    big = MODEL + "".join(body.replace("rnn", f"rnn{i}") for i in range(150))
    uri = open_document(client, tmp_path / "big.py", big)
    params = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    pending = asyncio.ensure_future(
        client.protocol.send_request_async(
            types.TEXT_DOCUMENT_DIAGNOSTIC, params, msg_id="slow-pull"
        )
    )
    await asyncio.sleep(0.3)  # the request is sent, and its analysis under way
    assert not pending.done()
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="slow-pull"))
    with pytest.raises(JsonRpcRequestCancelled):
        await pending
    # Still serving: the same request, not cancelled, is answered in full.
    report = await client.text_document_diagnostic_async(params)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert len(report.items) == 302


def _message(payload: dict) -> bytes:
    body = json.dumps(payload).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def _messages(stream: bytes) -> list[dict]:
    """The JSON bodies of a stream of LSP messages."""
    found = []
    while stream:
        header, _, rest = stream.partition(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", header).group(1))  # type: ignore[union-attr]
        found.append(json.loads(rest[:length]))
        stream = rest[length:]
    return found


def _run_server(*messages: dict) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [BIRNN_LINT, "server"],
        input=b"".join(_message(m) for m in messages),
        capture_output=True,
        timeout=120,
        check=False,
    )


_INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"processId": None, "rootUri": None, "capabilities": {}},
}


def _read_message(stream: Any) -> dict:
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def test_shutdown_then_exit_is_success_and_requests_in_between_fail() -> None:
    server = subprocess.Popen([BIRNN_LINT, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert server.stdin is not None and server.stdout is not None
    hover = {
        "textDocument": {"uri": "file:///nowhere.py"},
        "position": {"line": 0, "character": 0},
    }
    for message in (
        _INITIALIZE,
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": hover},
    ):
        server.stdin.write(_message(message))
    server.stdin.flush()

    def read_answers() -> dict[int, dict]:
        answers: dict[int, dict] = {}
        while len(answers) < 3:
            message = _read_message(server.stdout)
            if "id" in message:
                answers[message["id"]] = message
        return answers

    with ThreadPoolExecutor(1) as reader:
        pending = reader.submit(read_answers)
        try:
            answers = pending.result(timeout=120)
        except TimeoutError:
            server.kill()  # ends the blocked read
            raise
    assert "capabilities" in answers[1]["result"]
    assert answers[2]["result"] is None
    assert answers[3]["error"]["code"] == -32600  # InvalidRequest: it is shutting down
    server.stdin.write(_message({"jsonrpc": "2.0", "method": "exit"}))
    server.stdin.close()
    assert server.wait(timeout=60) == 0


def test_exit_without_shutdown_is_failure() -> None:
    abrupt = _run_server(_INITIALIZE, {"jsonrpc": "2.0", "method": "exit"})
    assert abrupt.returncode == 1, abrupt.stderr.decode()


def test_without_the_extra_the_command_says_what_to_install(tmp_path: Path) -> None:
    # A Python that cannot import pygls: the server's import guard names the extra.
    blocker = tmp_path / "pygls"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('pygls is not installed')\n")
    done = subprocess.run(
        [BIRNN_LINT, "server"],
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert b"pip install 'birnn-lint[server]'" in done.stderr


def test_check_never_imports_the_server_or_its_dependencies(tmp_path: Path) -> None:
    model = tmp_path / "model.py"
    model.write_text(MODEL, encoding="utf-8")
    probe = (
        "import sys\n"
        "from birnn_lint.cli import main\n"
        f"main(['check', '--no-cache', '--fix', {str(model)!r}])\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')]\n"
        "loaded += [m for m in sys.modules if m.startswith('birnn_lint.server')]\n"
        "print('LOADED', sorted(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, timeout=120, check=False
    )
    assert "LOADED []" in done.stdout.decode(), done.stdout.decode() + done.stderr.decode()
