"""An Input for a barcode scanner: every ``SKU⏎`` of a burst lands, in order.

A scanner over SSH types ``SKU⏎`` in a few milliseconds, and several scans (or
a paste) reach the terminal in one burst. Textual runs an Input's Enter
*binding* only after the characters queued behind the Enter are already in the
field, so ``AAA⏎BBB⏎`` would submit ``AAABBB`` twice. ``ScanInput`` acts on
Enter in its own key handler, at the moment that key is processed: it takes the
text typed so far, posts ``ScanInput.Scanned`` and clears itself.

A field that is not for items (the bill's customer field) may hand a scan over:
``hand_over(text)`` returns the ScanInput that should take it (or None to keep
it). Then the scan goes there, every key still queued for this field follows it
in order, and the focus moves there as soon as this field's queue is empty.
"""

from __future__ import annotations

from typing import Callable

from textual import events
from textual.message import Message
from textual.widgets import Input

ENTER_KEYS = ("enter", "ctrl+j")  # a scanner ends a code with CR, some with LF


class ScanInput(Input):
    """Each Enter posts ``Scanned`` with the text typed so far, then clears the field."""

    class Scanned(Message):
        """A code ended by Enter (or one line of a paste); ``origin`` is the field
        it was typed in when another field handed it over, else None."""

        def __init__(self, scan_input: "ScanInput", code: str,
                     origin: "ScanInput | None" = None) -> None:
            super().__init__()
            self.scan_input = scan_input
            self.code = code
            self.origin = origin

        @property
        def control(self) -> "ScanInput":
            return self.scan_input

    def __init__(self, *args, hand_over: Callable[[str], "ScanInput | None"] | None = None,
                 keep_text: bool = False, **kwargs) -> None:
        """``keep_text``: Enter submits like a plain Input (``Input.Submitted``)
        unless ``hand_over`` takes the text; for a field that is not for items."""
        kwargs.setdefault("select_on_focus", False)  # keys may arrive before the Focus event
        super().__init__(*args, **kwargs)
        self.hand_over = hand_over
        self.keep_text = keep_text
        self._forward_to: ScanInput | None = None

    # -- keys ------------------------------------------------------------------------------
    async def _on_key(self, event: events.Key) -> None:
        if self._forward_to is not None:  # keys of a burst handed over: they follow the scan
            event.stop()
            event.prevent_default()
            self._forward_to.post_message(events.Key(event.key, event.character))
            return
        if event.key in ENTER_KEYS:
            event.stop()
            event.prevent_default()
            self.enter(self.value)
        # any other key: Input's own handler types it (Textual calls it next)

    def _on_paste(self, event: events.Paste) -> None:
        """A paste holding line breaks is one scan per line; text after the last
        line break stays in the field as typed."""
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")
        if self._forward_to is None and "\n" not in text:
            return  # one line: Input's own handler pastes it (Textual calls it next)
        event.stop()
        event.prevent_default()
        while text:
            if self._forward_to is not None:  # handed over: the rest follows the scan
                self._forward_to.post_message(events.Paste(text))
                return
            line, newline, text = text.partition("\n")
            self.insert_text_at_cursor(line)
            if newline:
                self.enter(self.value)

    def enter(self, text: str) -> None:
        """Enter with ``text`` typed: scan it here, hand it over, or submit it."""
        target = self.hand_over(text) if self.hand_over is not None else None
        if target is not None and target is not self:
            self.value = ""
            self._forward_to = target
            target.scan(text, origin=self)
            return
        if self.keep_text:
            self.post_message(self.Submitted(self, text))
            return
        self.value = ""
        self.scan(text)

    def scan(self, code: str, origin: "ScanInput | None" = None) -> None:
        """Post ``Scanned`` straight to the parent, so that it reaches the screen
        ahead of any key (an F-key, say) queued behind this Enter."""
        message = self.Scanned(self, code, origin)
        target = self.parent if self.parent is not None else self
        target.post_message(message)

    # -- handing a burst over ------------------------------------------------------------------
    def on_idle(self, event: events.Idle) -> None:
        """No key left in this field's queue: the rest of the burst goes straight
        to the field the scan was handed to."""
        target, self._forward_to = self._forward_to, None
        if target is not None and self.screen.focused is self:
            self.screen.set_focus(target)  # at once: the next key the app routes goes there
