"""Headless Chromium driven over the DevTools protocol, just enough for one test.

The page under test is textual-serve's: xterm.js draws the terminal on a
canvas, so the screen's text is not in the DOM. What the app writes travels
to the page as WebSocket frames, and the DevTools ``Network`` domain reports
each one: ``wait_for`` reads those frames until the text appears (waiting on
the app, never on a clock). Keys go in as real key events on the page.

Only aiohttp (which textual-serve needs anyway) and Debian's ``chromium``.
"""

from __future__ import annotations

import asyncio
import base64
import re
import shutil
import subprocess
import tempfile
import threading

import aiohttp

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[PX^_].*?\x1b\\|\x1b\][^\x07]*\x07|\x1b[()][0-9A-B]|\x1b.")

# DevTools key events: key, code, windowsVirtualKeyCode
KEYS = {
    "enter": ("Enter", "Enter", 13), "tab": ("Tab", "Tab", 9),
    "escape": ("Escape", "Escape", 27), "down": ("ArrowDown", "ArrowDown", 40),
    "f2": ("F2", "F2", 113), "ctrl+y": ("y", "KeyY", 89),
}
CTRL = 2  # DevTools' modifier bit for Ctrl


class Browser:
    """``async with Browser() as page: await page.open(url)``."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="tui-pos-chromium-")
        self.process: subprocess.Popen | None = None
        self.ws = None
        self.session: aiohttp.ClientSession | None = None
        self.next_id = 0
        self.screen = ""  # everything the app wrote so far, escape codes removed

    async def __aenter__(self) -> "Browser":
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--window-size=1200,800",
             f"--user-data-dir={self.profile}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in self.process.stderr:  # Chromium says where DevTools listens
            found = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if found:
                break
        else:
            raise RuntimeError("chromium did not start")
        threading.Thread(target=self.process.stderr.read, daemon=True).start()
        self.session = aiohttp.ClientSession()
        async with self.session.get(f"http://127.0.0.1:{found.group(1)}/json/list") as answer:
            pages = [t for t in await answer.json() if t["type"] == "page"]
        self.ws = await self.session.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0)
        await self.call("Network.enable")
        return self

    async def __aexit__(self, *exc) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.session is not None:
            await self.session.close()
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
        shutil.rmtree(self.profile, ignore_errors=True)

    async def call(self, method: str, **params) -> dict:
        self.next_id += 1
        await self.ws.send_json({"id": self.next_id, "method": method, "params": params})
        while True:
            message = await self._receive()
            if message.get("id") == self.next_id:
                return message

    async def _receive(self) -> dict:
        message = await self.ws.receive_json()
        if message.get("method") == "Network.webSocketFrameReceived":
            response = message["params"]["response"]
            data = response["payloadData"]
            raw = base64.b64decode(data) if response.get("opcode") == 2 else data.encode()
            self.screen += ANSI.sub("", raw.decode("utf-8", "replace"))
        return message

    async def open(self, url: str) -> None:
        await self.call("Page.navigate", url=url)

    async def focus_terminal(self) -> None:
        """Keys go to xterm.js's hidden text area, as after a tap on the terminal."""
        await self.call("Runtime.evaluate", expression=(
            "document.querySelector('.xterm-helper-textarea').focus()"))

    async def wait_for(self, text: str, timeout: float = 60) -> None:
        """Until the app has written ``text`` (a safety timeout, not a pause)."""
        start = len(self.screen) - len(text)

        async def arrived() -> None:
            while text not in self.screen[max(start, 0):]:
                await self._receive()

        try:
            await asyncio.wait_for(arrived(), timeout)
        except asyncio.TimeoutError:
            tail = " ".join(self.screen.split())[-1500:]
            raise AssertionError(f"{text!r} never appeared; the app last wrote: {tail}") from None

    def seen(self) -> str:
        return self.screen

    async def press(self, name: str) -> None:
        key, code, vk = KEYS[name]
        modifiers = CTRL if name.startswith("ctrl+") else 0
        for kind in ("keyDown", "keyUp"):
            await self.call("Input.dispatchKeyEvent", type=kind, key=key, code=code,
                            windowsVirtualKeyCode=vk, nativeVirtualKeyCode=vk,
                            modifiers=modifiers)

    async def type(self, text: str) -> None:
        await self.call("Input.insertText", text=text)
