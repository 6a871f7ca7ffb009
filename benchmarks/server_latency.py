"""How fast `birnn-lint server` answers an edit, and whether its memory stays flat.

Drives the installed `birnn-lint server` over stdio with pygls's client (needs the
`server` extra), on a generated 1,000-line model file (benchmarks/server_model.py):

- latency: an edit is sent, and the time until its diagnostics are published is
  measured, minus the server's debounce; the engine's own time on the same text (run in
  this process) is shown beside it, so that the server's overhead can be read off;
- memory: the file is edited `--edits` times (in bursts of `--burst` keystrokes, each
  burst followed by its diagnostics), and the server's resident memory is read from
  /proc at checkpoints.

    python benchmarks/server_latency.py [--edits 1000] [--burst 10] [--samples 20]
"""

from __future__ import annotations

import argparse
import asyncio
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
        self.published: dict[int, float] = {}
        self.arrived = asyncio.Event()

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            if params.uri == uri and params.version is not None:
                self.published[params.version] = time.perf_counter()
                self.arrived.set()

    def edit(self) -> float:
        """One keystroke: toggle `h_n[-1]` / `h_n[-2]` on the first line that has one."""
        row = next(i for i, line in enumerate(self.lines) if "h_n[-" in line)
        column = self.lines[row].index("h_n[-") + 5
        old = self.lines[row][column]
        new = "2" if old == "1" else "1"
        self.lines[row] = self.lines[row][:column] + new + self.lines[row][column + 1 :]
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
                            end=types.Position(line=row, character=column + 1),
                        ),
                        text=new,
                    )
                ],
            )
        )
        return time.perf_counter()

    async def wait(self, version: int, timeout: float = 120.0) -> float:
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


def _engine_seconds(text: str, runs: int = 5) -> float:
    from birnn_lint.engine import check_source

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        check_source(text, "model.py")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        )
    )
    await bench.wait(1)

    latencies = []
    for _ in range(samples):
        sent = bench.edit()
        arrived = await bench.wait(bench.version)
        latencies.append(arrived - sent - DEBOUNCE_SECONDS)
    engine = _engine_seconds("\n".join(bench.lines))

    memory = [(0, _rss_mib(server.pid))]
    done = 0
    while done < edits:
        for _ in range(min(burst, edits - done)):
            bench.edit()
            done += 1
            await asyncio.sleep(0.005)  # typing: faster than the debounce
        await bench.wait(bench.version)
        if done % 100 == 0 or done == edits:
            memory.append((done, _rss_mib(server.pid)))

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    shutil.rmtree(folder, ignore_errors=True)

    lines = text.count("\n")
    print(f"## birnn-lint server on a {lines}-line model file\n")
    print("| measure | value |\n|---|---|")
    print(f"| debounce | {DEBOUNCE_SECONDS * 1000:.0f} ms |")
    print(
        f"| diagnostics after the debounce (median of {samples}) | "
        f"{statistics.median(latencies) * 1000:.0f} ms |"
    )
    print(f"| ... fastest / slowest | {min(latencies) * 1000:.0f} / {max(latencies) * 1000:.0f} ms |")
    print(f"| the engine alone on the same text (median) | {engine * 1000:.0f} ms |")
    overhead = statistics.median(latencies) - engine
    print(f"| the server's overhead (median latency - engine) | {overhead * 1000:.0f} ms |")
    print(f"| resident memory after opening | {memory[0][1]:.1f} MiB |")
    for count, mib in memory[1:]:
        if count in (100, 500, edits) or count == memory[-1][0]:
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
