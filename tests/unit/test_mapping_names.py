"""Saved import mappings can be renamed and deleted (issue 9, loose end)."""

from __future__ import annotations

import pytest

from tui_pos.services import audit, mappings
from tui_pos.services.errors import NeedsApproval, NotFound, ValidationError
from tests.actors import CASHIER, OWNER

HAND = {"first_name": "Naam", "phone": "Telefoon", "city": "Woonplaats"}


def names() -> list[str]:
    return [m.name for m in mappings.list_mappings()]


def test_a_renamed_mapping_keeps_its_columns(db):
    saved = mappings.save_mapping(OWNER, "Kassa", HAND)
    renamed = mappings.rename_mapping(OWNER, saved.id, "  Oude kassa 2019 ")
    assert (renamed.id, renamed.name, dict(renamed.columns)) == (saved.id, "Oude kassa 2019", HAND)
    assert names() == ["Oude kassa 2019"]
    assert dict(mappings.get_mapping("oude KASSA 2019").columns) == HAND
    with pytest.raises(NotFound):
        mappings.get_mapping("Kassa")


def test_a_rename_only_changing_case_is_allowed(db):
    saved = mappings.save_mapping(OWNER, "kassa", HAND)
    assert mappings.rename_mapping(OWNER, saved.id, "KASSA").name == "KASSA"


@pytest.mark.parametrize("name, message", [
    ("kassa", "already exists"), ("", "required"), ("x" * 61, "60"), ("Kas\x1b[2Jsa", "control")])
def test_a_bad_or_taken_name_is_refused_and_nothing_changes(db, name, message):
    mappings.save_mapping(OWNER, "Kassa", HAND)
    other = mappings.save_mapping(OWNER, "Webwinkel", {"last_name": "Achternaam"})
    with pytest.raises(ValidationError, match=message) as caught:
        mappings.rename_mapping(OWNER, other.id, name)
    assert caught.value.field == "name"
    assert names() == ["Kassa", "Webwinkel"]


def test_a_deleted_mapping_is_no_longer_offered(db):
    saved = mappings.save_mapping(OWNER, "Kassa", HAND)
    kept = mappings.save_mapping(OWNER, "Webwinkel", {"last_name": "Achternaam"})
    assert mappings.mapping_for(["Naam", "Telefoon", "Woonplaats"]).id == saved.id
    mappings.delete_mapping(OWNER, saved.id)
    assert names() == ["Webwinkel"]
    assert mappings.mapping_for(["Naam", "Telefoon", "Woonplaats"]) is None
    assert mappings.get_mapping("Webwinkel").id == kept.id


def test_a_mapping_gone_meanwhile_is_said_so(db):
    saved = mappings.save_mapping(OWNER, "Kassa", HAND)
    mappings.delete_mapping(OWNER, saved.id)
    with pytest.raises(NotFound, match="gone"):
        mappings.delete_mapping(OWNER, saved.id)
    with pytest.raises(NotFound, match="gone"):
        mappings.rename_mapping(OWNER, saved.id, "Nieuw")


def test_mappings_are_a_managers_work_and_in_the_audit_log(db):
    with pytest.raises(NeedsApproval):
        mappings.save_mapping(CASHIER, "Kassa", HAND)
    assert names() == [] and audit.entries(audit.AuditFilter(kind="master")) == []
    saved = mappings.save_mapping(OWNER, "Kassa", HAND)
    with pytest.raises(NeedsApproval):
        mappings.rename_mapping(CASHIER, saved.id, "Oud")
    with pytest.raises(NeedsApproval):
        mappings.delete_mapping(CASHIER, saved.id)
    assert names() == ["Kassa"]
    mappings.rename_mapping(OWNER, saved.id, "Oud")
    mappings.delete_mapping(OWNER, saved.id)
    subjects = [e.subject for e in audit.entries(audit.AuditFilter(kind="master"))]
    assert subjects == [f"Import mapping #{saved.id} Oud deleted",
                        f"Import mapping #{saved.id} Oud renamed",
                        f"Import mapping #{saved.id} Kassa added"]
