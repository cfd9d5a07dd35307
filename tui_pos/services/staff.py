"""Staff, their PINs, signing in and a manager's approval on the spot.

PINs are kept only as salted scrypt hashes and compared in constant time.
Wrong PINs count per staff member; the fifth in a row locks the member out
for a while. Every sign-in, wrong PIN, lock-out and approval refused is in
the audit log; those entries are written even though the attempt fails
(they are the record of the failure), each in its own short transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from tui_pos.db.models import BusinessConfig, Staff, database
from tui_pos.services import audit
from tui_pos.services.actors import ROLES, Actor, Approver, rank, require
from tui_pos.services.errors import (
    Errors, NotAllowed, NotFound, ValidationError, check,
)
from tui_pos.services.masters import is_id
from tui_pos.services.text import checked, name_key

NAME_LENGTH = 60
PIN_MIN, PIN_MAX = 4, 12
WRONG_PINS_BEFORE_LOCK = 5
LOCK_MINUTES = 5
# scrypt: 16 MiB and ~50 ms per check on a counter PC; slow on purpose.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


# -- PINs ---------------------------------------------------------------------

def check_pin_rules(pin: object, field: str = "pin") -> str:
    """A PIN as typed: 4-12 ASCII digits, not all one digit."""
    check(isinstance(pin, str), "Type the PIN", field)
    pin = pin.strip()
    check(pin != "", "Type the PIN", field)
    check(pin.isascii() and pin.isdigit(), "A PIN is digits only", field)
    check(PIN_MIN <= len(pin) <= PIN_MAX,
          f"A PIN has {PIN_MIN} to {PIN_MAX} digits", field)
    check(len(set(pin)) > 1, "A PIN may not be one digit repeated", field)
    return pin


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n),
                                   r=int(r), p=int(p), dklen=len(digest) // 2)
    except ValueError:  # a damaged hash, or scrypt refusing its parameters
        return False
    return hmac.compare_digest(candidate.hex(), digest)


# -- reading ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StaffRow:
    id: int
    name: str
    role: str
    active: bool
    locked_until: dt.datetime | None


def _row(s: Staff) -> StaffRow:
    return StaffRow(id=s.id, name=s.name, role=s.role, active=s.active,
                    locked_until=s.locked_until)


def list_staff(include_inactive: bool = True) -> list[StaffRow]:
    query = Staff.select().order_by(Staff.name_key)
    if not include_inactive:
        query = query.where(Staff.active == True)  # noqa: E712 (peewee expression)
    return [_row(s) for s in query]


def has_staff() -> bool:
    return Staff.select().exists()


def idle_minutes() -> int:
    """Minutes without a key before the TUI signs out (0: never), from Business
    Configuration."""
    from tui_pos.services import config

    minutes = getattr(config.get_settings(), "idle_minutes", None)
    if minutes is None:  # Settings without the field yet: the row itself
        row = BusinessConfig.get_or_none(BusinessConfig.id == 1) or BusinessConfig(id=1)
        minutes = row.idle_minutes
    return max(0, int(minutes))


def get_staff(staff_id: int) -> StaffRow:
    s = Staff.get_or_none(Staff.id == staff_id) if is_id(staff_id) else None
    if s is None:
        raise NotFound("That staff member does not exist")
    return _row(s)


def find_staff(name: str) -> StaffRow | None:
    """By name, ignoring case (the sign-in screen and ``--as NAME``)."""
    if not isinstance(name, str) or not name.strip():
        return None
    s = Staff.get_or_none(Staff.name_key == name_key(name.strip()[:NAME_LENGTH]))
    return _row(s) if s else None


def actor_for(row: StaffRow, terminal: str) -> Actor:
    return Actor(staff_id=row.id, name=row.name, role=row.role, terminal=terminal)


# -- signing in and approving ----------------------------------------------------

def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now()).replace(microsecond=0)


def _verify(staff_id: int, pin: object, terminal: str, now: dt.datetime,
            failed_kind: str, action: str = "") -> Staff:
    """The staff member if ``pin`` is theirs; else count the wrong PIN, log it, raise.

    The refusal is raised after the transaction has committed: the wrong-PIN
    count, the lock and their audit entries are the record of the failure.
    """
    typed = pin.strip() if isinstance(pin, str) else ""
    with database.atomic():
        s = Staff.get_or_none(Staff.id == staff_id) if is_id(staff_id) else None
        if s is None:
            raise NotFound("Choose who you are", "staff")
        refusal = _check_pin(s, typed, terminal, now, failed_kind, action)
    if refusal is not None:
        raise refusal
    return s


def _check_pin(s: Staff, typed: str, terminal: str, now: dt.datetime,
               failed_kind: str, action: str) -> ValidationError | None:
    """None when ``typed`` is the PIN of ``s`` (who may sign in); else the refusal,
    with the wrong PIN counted and logged (inside the caller's transaction)."""
    who = Actor(staff_id=s.id, name=s.name, role=s.role, terminal=terminal)
    subject = f"{s.name}: {action}" if action else s.name
    if not s.active:
        audit.record(who, failed_kind, f"{subject} (deactivated)")
        return ValidationError(f"{s.name} is deactivated: ask a manager", "staff")
    if s.locked_until is not None and s.locked_until > now:
        audit.record(who, failed_kind, f"{subject} (locked)")
        return ValidationError(
            f"{s.name} is locked after {WRONG_PINS_BEFORE_LOCK} wrong PINs until "
            f"{s.locked_until:%H:%M}", "pin")
    if typed and pin_matches(typed, s.pin_hash):
        if s.failed_pins or s.locked_until:
            Staff.update(failed_pins=0, locked_until=None).where(Staff.id == s.id).execute()
        return None
    failed = s.failed_pins + 1
    audit.record(who, failed_kind, subject)
    if failed >= WRONG_PINS_BEFORE_LOCK:
        until = now + dt.timedelta(minutes=LOCK_MINUTES)
        Staff.update(failed_pins=0, locked_until=until).where(Staff.id == s.id).execute()
        audit.record(who, "lock-out", f"{s.name} until {until:%H:%M}")
        return ValidationError(
            f"Wrong PIN. {s.name} is locked for {LOCK_MINUTES} minutes", "pin")
    Staff.update(failed_pins=failed).where(Staff.id == s.id).execute()
    left = WRONG_PINS_BEFORE_LOCK - failed
    return ValidationError(f"Wrong PIN ({left} more {'try' if left == 1 else 'tries'} "
                           f"before a lock-out)", "pin")


def sign_in(staff_id: int, pin: object, terminal: str,
            now: dt.datetime | None = None) -> Actor:
    """The signed-in actor, or ValidationError (wrong PIN, locked, deactivated)."""
    s = _verify(staff_id, pin, terminal, _now(now), "sign-in-failed")
    actor = Actor(staff_id=s.id, name=s.name, role=s.role, terminal=terminal)
    with database.atomic():
        audit.record(actor, "sign-in", s.name)
    return actor


def sign_out(actor: Actor, reason: str = "") -> None:
    if actor.is_system:
        return
    with database.atomic():
        audit.record(actor.unapproved(), "sign-out", f"{actor.name} {reason}".strip())


def approve(actor: Actor, approver_id: int, pin: object, action: str,
            role: str = "manager", now: dt.datetime | None = None) -> Actor:
    """``actor`` with a manager's (or ``role``'s) approval for ``action``, checked here.

    Refused, with an audit entry: a wrong PIN (counts towards the approver's
    lock-out), the same person who asked, an approver without the role.
    """
    check(role in ROLES, "Unknown role")
    s = _verify(approver_id, pin, actor.terminal, _now(now), "approval-failed", action)
    approver = Approver(staff_id=s.id, name=s.name, role=s.role)
    refusal = None
    if actor.staff_id is not None and s.id == actor.staff_id:
        refusal = f"{s.name} asked for it: another {role} must approve"
    elif rank(s.role) < rank(role):
        refusal = f"{s.name} is a {s.role}: a {role} must approve {action}"
    if refusal:
        with database.atomic():
            audit.record(actor.approved_by(approver), "approval-failed", f"{action}: {refusal}")
        raise NotAllowed(refusal, "staff")
    return actor.approved_by(approver)


# -- keeping staff ----------------------------------------------------------------

def _owners_left(excluding: int) -> int:
    return (Staff.select().where((Staff.role == "owner") & (Staff.active == True)  # noqa: E712
                                 & (Staff.id != excluding)).count())


def save_staff(actor: Actor, name: str, role: str, pin: str | None = None,
               active: bool = True, staff_id: int | None = None) -> StaffRow:
    """Add (PIN required) or change a staff member; manager or above.

    Only an owner makes or changes an owner; the last active owner cannot be
    demoted or deactivated. A PIN left empty on a change keeps the old one.
    """
    errors = Errors()
    name = errors.take(checked, name, "Name", "name", NAME_LENGTH, required=True)
    errors.check(role in ROLES, "Choose a role: cashier, manager or owner", "role")
    if pin or staff_id is None:
        pin = errors.take(check_pin_rules, pin if pin is not None else "")
    errors.raise_any()
    with database.atomic():
        require(actor, "manager", "Changing staff")
        old = None
        if staff_id is not None:
            old = Staff.get_or_none(Staff.id == staff_id) if is_id(staff_id) else None
            if old is None:
                raise NotFound("That staff member does not exist")
        if role == "owner" or (old is not None and old.role == "owner"):
            require(actor, "owner", "Changing an owner")
        key = name_key(name)
        clash = Staff.select().where(Staff.name_key == key)
        if old is not None:
            clash = clash.where(Staff.id != old.id)
        check(not clash.exists(), "Another staff member has that name", "name")
        if old is not None and old.role == "owner" and (role != "owner" or not active):
            if _owners_left(excluding=old.id) == 0:
                raise NotAllowed("The last owner cannot be demoted or deactivated", "role")
        values = {"name": name, "name_key": key, "role": role, "active": bool(active)}
        if pin:
            values["pin_hash"] = hash_pin(pin)
            values["failed_pins"] = 0
            values["locked_until"] = None
        if old is None:
            s = Staff.create(**values)
            before = {}
        else:
            before = {"name": old.name, "role": old.role, "active": old.active}
            Staff.update(**values).where(Staff.id == old.id).execute()
            s = Staff.get_by_id(old.id)
        changes = audit.diff(before, {"name": s.name, "role": s.role, "active": s.active})
        if pin and old is not None:
            changes["pin"] = ["…", "changed"]
        audit.record(actor, "staff", f"{'new ' if old is None else ''}staff {s.name}",
                     changes)
    return _row(s)


def set_staff_active(actor: Actor, staff_id: int, active: bool) -> StaffRow:
    row = get_staff(staff_id)
    return save_staff(actor, row.name, row.role, None, active, staff_id)


def create_first_owner(actor: Actor, name: str, pin: str) -> StaffRow:
    """The owner of a new store (``tui-pos init``): only while there is no staff."""
    if has_staff():
        raise NotAllowed("This store already has staff: sign in as an owner to add more")
    return save_staff(actor, name, "owner", pin)
