"""A checkbox that reads right without colour."""

from __future__ import annotations

from textual.widgets import Checkbox


class Tick(Checkbox):
    """A Checkbox that shows X only when ticked, so it reads right without colour
    (NO_COLOR, the Linux console); Textual's own always shows an X."""

    def render(self):
        self.BUTTON_INNER = "X" if self.value else " "
        return super().render()
