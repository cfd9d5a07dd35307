"""Reading the audit log: who may open it on screen, the filters as typed, paging and
the CSV that is safe for a spreadsheet (services/audit.py, the reading side)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given, settings, strategies as st

from tests.actors import CASHIER, MANAGER, PINS, staff_team
from tui_pos.db.models import AuditEntry
from tui_pos.services import audit, staff
from tui_pos.services.actors import Approver, cli_actor
from tui_pos.services.errors import NeedsApproval, NotAllowed, ValidationError


def test_a_manager_opens_the_log_and_nothing_is_written(db):
    before = AuditEntry.select().count()
    audit.open_log(MANAGER)
    assert AuditEntry.select().count() == before


def test_a_cashier_needs_a_manager_and_the_approved_look_is_logged(db):
    team = staff_team()
    with pytest.raises(NeedsApproval) as refused:
        audit.open_log(team["Cas"])
    assert refused.value.role == "manager"
    mona = team["Mona"]
    audit.open_log(team["Cas"].approved_by(Approver(mona.staff_id, mona.name, mona.role)))
    [entry] = audit.entries(audit.AuditFilter(kind="approval"))
    assert (entry.actor, entry.approver, entry.subject) == ("Cas", "Mona", "Open the audit log")


def test_nobody_signed_in_is_refused(db):
    with pytest.raises(NotAllowed):
        audit.open_log(None)


def test_the_staff_filter_finds_what_they_did_and_what_they_approved(db):
    team = staff_team()
    staff.sign_in(team["Chris"].staff_id, PINS["Chris"], "till-3")
    mona = team["Mona"]
    audit.open_log(CASHIER.approved_by(Approver(mona.staff_id, mona.name, mona.role)))
    by_mona = audit.entries(audit.make_filter(staff="MONA"))
    assert [(e.kind, e.approver) for e in by_mona] == [("approval", "Mona")]
    by_chris = audit.entries(audit.make_filter(staff="chris"))
    assert [(e.kind, e.terminal) for e in by_chris] == [("sign-in", "till-3")]
    system = cli_actor().name  # "cli:<os user>", who made the staff
    by_cli = audit.entries(audit.make_filter(staff=system))
    assert [e.kind for e in by_cli] == ["staff"] * 4 and {e.actor for e in by_cli} == {system}


def test_pages_by_keyset_cover_the_log_once(db):
    staff_team()
    whole = audit.entries(limit=1000)
    seen, before = [], None
    while True:
        page = audit.entries(limit=3, before_id=before)
        if not page:
            break
        seen += page
        before = page[-1].id
    assert [e.id for e in seen] == [e.id for e in whole]
    assert [e.id for e in whole] == sorted((e.id for e in whole), reverse=True)


@pytest.mark.parametrize("kwargs, field", [
    ({"date_from": "25-11-2026"}, "from"), ({"date_to": "2026-02-30"}, "to"),
    ({"date_from": "2026-11-25", "date_to": "2026-11-24"}, "to"),
    ({"kind": "everything"}, "kind"), ({"staff": "Nobody"}, "staff"),
])
def test_bad_filters_name_their_field(db, kwargs, field):
    with pytest.raises(ValidationError) as bad:
        audit.make_filter(**kwargs)
    assert bad.value.field == field


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=40))
def test_any_typed_date_is_a_date_or_a_validation_error(text):
    try:
        day = audit.parse_day(text, "From", "from")
    except ValidationError as error:
        assert error.field == "from"
        return
    assert day is None or isinstance(day, dt.date)


def test_the_csv_never_starts_a_formula(db):
    evil = Approver(staff_id=None, name="=HYPERLINK(1)", role="manager")
    from tui_pos.db.models import database

    with database.atomic():
        audit.record(MANAGER.approved_by(evil), "config", "@SUM(A1)",
                     {"store_name": ["-1+1", "+cmd"]})
    out = io.StringIO()
    audit.write_csv(out, audit.entries())
    [header, row] = list(csv.reader(io.StringIO(out.getvalue())))
    assert row[5] == "'=HYPERLINK(1)" and row[6] == "'@SUM(A1)"
    assert row[7] == "store_name: -1+1 → +cmd"  # starts with the field's name
    table = audit.table(audit.entries())
    assert "@SUM(A1)" in table and len(table.splitlines()) == 2
