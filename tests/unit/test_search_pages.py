"""Search as you type, page by page: every customer whose terms match, once, in the
order of their first matching term — whether a page is read with the check for an
earlier term (after a cursor) or without it (the first page, deduplicated as read)."""

from __future__ import annotations

import random

from tui_pos.db.models import CustomerSearchTerm
from tui_pos.services import customers
from tui_pos.services.customers import CustomerInput, search_customers
from tests.actors import OWNER

FIRST = ["Jan", "Jans", "Janne", "Jasmijn", "Jacob", "Ja"]
LAST = ["Jansen", "Janssen", "de Jager", "Jacobs", "Jaspers", "Bakker"]


def expected(prefix: str) -> list[int]:
    """The index read whole: each customer at its first term starting with ``prefix``."""
    first: dict[int, tuple[str, int]] = {}
    for term, cid in (CustomerSearchTerm.select(CustomerSearchTerm.term,
                                                CustomerSearchTerm.customer)
                      .where(CustomerSearchTerm.term.startswith(prefix)).tuples()):
        if cid not in first or (term, cid) < first[cid]:
            first[cid] = (term, cid)
    return [cid for cid, _ in sorted(first.items(), key=lambda kv: kv[1])]


def all_pages(prefix: str, limit: int) -> list[int]:
    shown, after = [], None
    while True:
        page = search_customers(prefix, limit=limit, after=after)
        shown += [hit.id for hit in page.hits]
        if page.cursor is None:
            return shown
        after = page.cursor


def test_pages_hold_every_match_once_in_first_term_order(db):
    rng = random.Random(7)
    for n in range(40):  # names and mails sharing the prefix "ja" many times over
        first, last = rng.choice(FIRST), rng.choice(LAST)
        customers.save_customer(OWNER, CustomerInput(
            first_name=first, last_name=last,
            email=f"{first}.{last}{n}@jansen.example".replace(" ", "").lower()))
    for prefix in ("j", "ja", "jan", "jans", "jac"):
        want = expected(prefix)
        assert want, prefix
        for limit in (1, 3, 7, 50):
            assert all_pages(prefix, limit) == want, (prefix, limit)
