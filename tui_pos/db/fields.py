"""Exact decimal fields stored as integers (SQLite would store REAL)."""

from __future__ import annotations

from decimal import Decimal

import peewee

from tui_pos.money import from_minor, to_minor


class ScaledDecimalField(peewee.BigIntegerField):
    """A ``Decimal`` stored as an integer number of 10**-places units."""

    places = 2

    def __init__(self, *args, places: int | None = None, **kwargs):
        if places is not None:
            self.places = places
        super().__init__(*args, **kwargs)

    def db_value(self, value):
        if value is None:
            return None
        return to_minor(Decimal(value), self.places)

    def python_value(self, value):
        if value is None:
            return None
        return from_minor(value, self.places)


class MoneyField(ScaledDecimalField):
    """Money in minor units (cents)."""

    places = 2


class PercentField(ScaledDecimalField):
    """A percentage with two decimals (21.00 % is stored as 2100)."""

    places = 2


class QuantityField(ScaledDecimalField):
    """A quantity with three decimals (1.5 kg is stored as 1500)."""

    places = 3
