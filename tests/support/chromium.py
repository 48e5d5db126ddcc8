"""A headless Chromium driven over the Chrome DevTools Protocol, for the browser tests.

Small on purpose: start the browser on a free port, attach to its first tab,
send commands and read their results. `websocket-client` carries the messages;
no browser is ever downloaded: the tests use the one installed on the machine
(`apt-get install chromium`).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import websocket

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-port=0",
)


def find_chromium() -> str | None:
    """The browser to use: $CHROMIUM, else the first of CANDIDATES on PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class CDPError(RuntimeError):
    """The browser answered a command with an error, or a page script threw."""


class Tab:
    """One page of the browser, spoken to over its websocket."""

    def __init__(self, url: str) -> None:
        self._socket = websocket.create_connection(url, timeout=30, suppress_origin=True)
        self._next_id = 0
        # Events the browser sent between answers (none arrive until a domain such as Network is enabled).
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        self._socket.close()

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message_id = self._next_id
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:  # events arrive between answers: kept, for the tests that enable a domain
            message = json.loads(self._socket.recv())
            if "method" in message:
                self.events.append(message)
            elif message.get("id") == message_id:
                if "error" in message:
                    raise CDPError(f"{method}: {message['error']}")
                result: dict[str, Any] = message["result"]
                return result

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (promises are awaited)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise CDPError(json.dumps(result["exceptionDetails"], indent=1)[:2000])
        return result["result"].get("value")

    def set_viewport(self, width: int, height: int, scale: float = 1) -> None:
        # mobile=False: no viewport meta handling; the page is laid out at the
        # window's width, as AnkiDroid's WebView lays a card out at screen width.
        self.send(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=scale, mobile=False
        )

    def load(self, url: str) -> None:
        """Open `url` and wait until its load event has fired."""
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while self.evaluate("document.readyState") != "complete" or self.evaluate("location.href") != url:
            if time.monotonic() > deadline:
                raise CDPError(f"timed out loading {url}")
            time.sleep(0.01)
        self.evaluate("document.fonts.ready.then(() => true)")

    def screenshot(self, path: Path, height: int | None = None) -> None:
        """A PNG of the page, as tall as `height` CSS pixels (default: the whole document)."""
        width = self.evaluate("document.documentElement.clientWidth")
        full = height or self.evaluate("document.documentElement.scrollHeight")
        shot = self.send(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": full, "scale": 1},
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))


@contextmanager
def chromium(executable: str) -> Iterator[Tab]:
    """A fresh headless browser (own profile, no network services); yields its first tab."""
    # Chromium's helper processes may still write to the profile as it goes: never fail the test for it.
    with tempfile.TemporaryDirectory(prefix="quotedeck-chromium-", ignore_cleanup_errors=True) as home:
        profile, log_path = Path(home) / "profile", Path(home) / "chromium.log"
        # Its output goes to a file, so that chatter never fills a pipe and stalls it.
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        tab: Tab | None = None
        try:
            port = _devtools_port(profile, process, log_path)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
                targets = json.load(answer)
            page = next(t for t in targets if t["type"] == "page")
            tab = Tab(page["webSocketDebuggerUrl"])
            yield tab
        finally:
            if tab is not None:
                tab.close()
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _devtools_port(profile: Path, process: subprocess.Popen[bytes], log: Path) -> int:
    """Chromium writes the port it chose into the profile once it listens."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = log.read_text(errors="replace")
            raise CDPError(f"chromium exited with {process.returncode}: {error[-2000:]}")
        if marker.exists():
            lines = marker.read_text().splitlines()
            if lines and lines[0].isdigit():
                return int(lines[0])
        time.sleep(0.05)
    raise CDPError("chromium did not open its DevTools port within 30 s")
