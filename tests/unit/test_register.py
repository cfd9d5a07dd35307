"""Register sessions, X and Z reports (issue 8, part 5)."""

from __future__ import annotations

import pytest

from tui_pos.db.models import RegisterSession
from tui_pos.services import register
from tui_pos.services.errors import ValidationError


def test_require_open_refuses_a_closed_register_and_says_what_to_do(db):
    assert register.current_id("nowhere") is None
    with pytest.raises(ValidationError) as raised:
        register.require_open("nowhere")
    assert raised.value.field == "register"
    assert "nowhere" in raised.value.message and "Open register" in raised.value.message


def test_require_open_gives_the_open_session_of_that_terminal_only(db):
    row = RegisterSession.create(terminal="lane-9", open_on="lane-9", opened_by_name="t",
                                 opening_float=0)
    assert register.require_open("lane-9") == row.id
    assert register.current_id("lane-8") is None
