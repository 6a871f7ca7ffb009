"""How fast `birnn-lint server` answers an edit, and whether its memory stays flat.

Drives the installed `birnn-lint server` over stdio with pygls's client (needs the
`server` extra), on a generated 1,000-line model file (benchmarks/server_model.py):

- latency: an edit is sent, and the time until its diagnostics are published is
  measured, minus the server's debounce: for edits inside a definition (the quick
  path) and outside every definition (a whole-file analysis); the CPU time of each
  analysis (run in this process) is shown beside them, as the machine may be shared;
- memory: the file is edited `--edits` times (in bursts of `--burst` keystrokes, each
  burst followed by its diagnostics; every hundredth edit outside the definitions, so
  that whole-file analyses run too), and the server's resident memory is read from
  /proc at checkpoints.

    python benchmarks/server_latency.py [--edits 1000] [--burst 10] [--samples 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).parent))
from server_model import model_source  # noqa: E402

DEBOUNCE_SECONDS = 0.1  # birnn_lint.server.app.DEBOUNCE_SECONDS


def _server_command() -> list[str]:
    beside = Path(sys.executable).with_name("birnn-lint")
    found = str(beside) if beside.exists() else shutil.which("birnn-lint")
    if found is None:
        raise SystemExit("birnn-lint is not installed")
    return [found, "server"]


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class Bench:
    def __init__(self, client: LanguageClient, uri: str, text: str) -> None:
        self.client = client
        self.uri = uri
        self.lines = text.split("\n")
        self.version = 1
        self.edits = 0
        self.published: dict[int, float] = {}
        self.arrived = asyncio.Event()

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            if params.uri == uri and params.version is not None:
                self.published[params.version] = time.perf_counter()
                self.arrived.set()

    def edit(self, *, in_definition: bool = True) -> float:
        """One keystroke, always giving a new text: in the first encoder's constructor
        (`nn.Dropout(0.1)` -> `nn.Dropout(0.1N)`), or in the module's docstring, which
        lies outside every definition."""
        self.edits += 1
        marker = "nn.Dropout(0.1" if in_definition else '"""Sequence models'
        row = next(i for i, line in enumerate(self.lines) if marker in line)
        column = self.lines[row].index(marker) + len(marker)
        digit = str(self.edits % 10)
        self.lines[row] = self.lines[row][:column] + digit + self.lines[row][column:]
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=row, character=column),
                            end=types.Position(line=row, character=column),
                        ),
                        text=digit,
                    )
                ],
            )
        )
        return time.perf_counter()

    async def wait(self, version: int, timeout: float = 300.0) -> float:
        deadline = time.perf_counter() + timeout
        while version not in self.published:
            self.arrived.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no diagnostics for version {version}")
            try:
                await asyncio.wait_for(self.arrived.wait(), left)
            except TimeoutError:
                pass
        return self.published[version]

    async def latency(self, *, in_definition: bool) -> float:
        sent = self.edit(in_definition=in_definition)
        return await self.wait(self.version) - sent - DEBOUNCE_SECONDS


def _cpu_seconds(text: str, edited: str, runs: int = 3) -> tuple[float, float]:
    """CPU time (this process) of the whole-file analysis and of the quick one."""
    from birnn_lint.config import LoadedConfig, Options, resolve
    from birnn_lint.server.documents import text_snapshot
    from birnn_lint.server.incremental import quick_findings
    from birnn_lint.server.linting import lint

    settings = resolve(LoadedConfig(None, Path.cwd(), Options()), Options())
    previous = lint(text_snapshot("file:///bench/model.py", 1, text), settings)
    snapshot = text_snapshot("file:///bench/model.py", 2, edited)
    whole, quick = [], []
    for _ in range(runs):
        start = time.process_time()
        lint(snapshot, settings)
        whole.append(time.process_time() - start)
        start = time.process_time()
        assert quick_findings(previous, snapshot) is not None
        quick.append(time.process_time() - start)
    return statistics.median(whole), statistics.median(quick)


async def main(edits: int, burst: int, samples: int) -> None:
    text = model_source(1000)
    folder = Path(tempfile.mkdtemp(prefix="birnn-lint-bench-"))
    path = folder / "model.py"
    path.write_text(text, encoding="utf-8")
    client = LanguageClient("bench", "1")
    await client.start_io(*_server_command())
    server = client._server
    assert server is not None
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=folder.as_uri(), process_id=None
        )
    )
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    bench = Bench(client, uri, text)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text
            )
        )
    )
    await bench.wait(1)

    load_before = os.getloadavg()[0]
    quick = [await bench.latency(in_definition=True) for _ in range(samples)]
    whole = [await bench.latency(in_definition=False) for _ in range(max(3, samples // 5))]
    load_after = os.getloadavg()[0]
    whole_cpu, quick_cpu = _cpu_seconds(text, text.replace("nn.Dropout(0.1", "nn.Dropout(0.17", 1))

    memory = [(0, _rss_mib(server.pid))]
    done = 0
    while done < edits:
        for _ in range(min(burst, edits - done)):
            done += 1
            # Every hundredth edit lies outside the definitions: a whole-file analysis.
            bench.edit(in_definition=done % 100 != 0)
            await asyncio.sleep(0.005)  # typing: faster than the debounce
        await bench.wait(bench.version)
        if done % 100 == 0 or done == edits:
            memory.append((done, _rss_mib(server.pid)))

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    shutil.rmtree(folder, ignore_errors=True)

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.0f} ms"

    lines = text.count("\n")
    print(f"## birnn-lint server on a {lines}-line model file\n")
    print(
        f"Load average (1 min) {load_before:.1f} before, {load_after:.1f} after the latency runs.\n"
    )
    print("| measure | value |\n|---|---|")
    print(f"| debounce | {ms(DEBOUNCE_SECONDS)} |")
    print(
        f"| diagnostics after the debounce, edit inside a definition "
        f"(median of {len(quick)}; fastest / slowest) | {ms(statistics.median(quick))} "
        f"({ms(min(quick))} / {ms(max(quick))}) |"
    )
    print(
        f"| diagnostics after the debounce, edit outside definitions "
        f"(median of {len(whole)}; fastest / slowest) | {ms(statistics.median(whole))} "
        f"({ms(min(whole))} / {ms(max(whole))}) |"
    )
    print(f"| CPU time of the quick analysis (one definition) | {ms(quick_cpu)} |")
    print(f"| CPU time of the whole-file analysis | {ms(whole_cpu)} |")
    print(f"| resident memory after opening | {memory[0][1]:.1f} MiB |")
    for count, mib in memory[1:]:
        if count in (100, 500, edits):
            print(f"| ... after {count} edits | {mib:.1f} MiB |")
    growth = memory[-1][1] - memory[1][1] if len(memory) > 1 else 0.0
    print(f"| growth from edit {memory[1][0]} to edit {memory[-1][0]} | {growth:+.1f} MiB |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--burst", type=int, default=10)
    parser.add_argument("--samples", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.edits, arguments.burst, arguments.samples))
