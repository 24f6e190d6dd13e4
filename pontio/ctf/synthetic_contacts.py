"""Addresses, telephone numbers and contacts for synthetic pupils (see ``synthetic``).

Telephone numbers come from the ranges Ofcom keeps for drama, and e-mail addresses
use domains reserved for examples, so no synthetic contact detail reaches anybody.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import TypeVar

from pontio.ctf import synthetic_data as data
from pontio.ctf.models import Address, AddressLines, BS7666Address, Contact, Phone

T = TypeVar("T")

_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Ofcom reserves these ranges for drama: no real line will ever have them.
_DRAMA_LANDLINES = {
    "029": "029 2018 0",
    "0117": "0117 496 0",
    "0121": "0121 496 0",
    "0151": "0151 496 0",
}
_DRAMA_OTHER_LANDLINE = "01632 960"
_DRAMA_MOBILE = "07700 900"


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One of ``items``, at random."""
    return items[rng.randrange(len(items))]


def weighted(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    """One code of a table of (code, weight), in proportion to the weights."""
    codes = [code for code, _ in table]
    weights = [weight for _, weight in table]
    return rng.choices(codes, weights)[0]


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


class ContactMaker:
    """Makes where the pupils of one school live, and who looks after them."""

    def __init__(
        self, rng: random.Random, towns: tuple[data.Town, ...], sex_element: str
    ) -> None:
        self.rng = rng
        self.towns = towns
        self.home_town = towns[0]
        self.sex_element = sex_element

    def address(self) -> Address:
        rng = self.rng
        town = self.home_town if chance(rng, 0.7) else pick(rng, self.towns)
        district = pick(rng, town.postcode_districts)
        letters = pick(rng, _POSTCODE_LETTERS) + pick(rng, _POSTCODE_LETTERS)
        postcode = f"{district} {rng.randint(1, 9)}{letters}"
        street = pick(rng, data.STREET_NAMES)
        locality = pick(rng, town.localities) if town.localities else None
        county = town.county or None
        if chance(rng, 0.2):
            lines = AddressLines(
                line1=f"{rng.randint(1, 120)} {street}",
                line2=locality,
                line3=town.name,
            )
            return Address(lines=lines, county=county, postcode=postcode)
        named = chance(rng, 0.15)
        bs7666 = BS7666Address(
            saon=pick(rng, data.FLAT_NAMES) if chance(rng, 0.08) else None,
            paon=pick(rng, data.HOUSE_NAMES) if named else str(rng.randint(1, 120)),
            street=street,
            locality=locality,
            town=town.name,
            post_town=town.name,
            uprn=str(rng.randint(10000000000, 200099999999))
            if chance(rng, 0.5)
            else None,
        )
        return Address(
            bs7666=bs7666,
            county=county,
            postcode=postcode,
            country="United Kingdom",
        )

    def phone(self, kind: str, address: Address | None = None) -> Phone:
        suffix = f"{self.rng.randrange(1000):03d}"
        if kind == "M" or address is None:
            return Phone(telephone_type="M", phone_no=_DRAMA_MOBILE + suffix)
        town = self._town_named(address.town or (address.lines or AddressLines()).line3)
        prefix = _DRAMA_LANDLINES.get(town.phone_code, _DRAMA_OTHER_LANDLINE)
        return Phone(telephone_type="H", phone_no=prefix + suffix)

    def _town_named(self, name: str | None) -> data.Town:
        for town in self.towns:
            if town.name == name:
                return town
        return self.home_town

    def contacts(self, surname: str) -> tuple[Contact, ...]:
        rng = self.rng
        count = rng.choices((1, 2, 3), (25, 60, 15))[0]
        roles = [("F", data.RELATIONSHIPS_MOTHER), ("M", data.RELATIONSHIPS_FATHER)]
        rng.shuffle(roles)
        roles.append((pick(rng, ("M", "F")), data.RELATIONSHIPS_OTHER))
        contacts = []
        for order, (sex, relationships) in enumerate(roles[:count], start=1):
            contacts.append(self._contact(order, sex, relationships, surname))
        return tuple(contacts)

    def _contact(
        self, order: int, sex: str, relationships: tuple[str, ...], surname: str
    ) -> Contact:
        rng = self.rng
        forename = pick(rng, data.ADULT_WOMEN if sex == "F" else data.ADULT_MEN)
        if not chance(rng, 0.75):
            surname = pick(rng, data.WELSH_SURNAMES + data.ENGLISH_SURNAMES)
        relationship = pick(rng, relationships)
        titles = data.TITLES_FEMALE if sex == "F" else data.TITLES_MALE
        email_name = re.sub(r"[^a-z]", "", f"{forename}.{surname}".lower())
        return Contact(
            order=str(order),
            title=pick(rng, titles),
            surname=surname,
            forename=forename,
            sex=sex,
            sex_element=self.sex_element,
            relationship=relationship,
            responsibility="true" if relationship.startswith("PA") else "false",
            address=Address(address_as_pupil="true"),
            phones=(self.phone("M"),),
            email=f"{email_name}{rng.randrange(100)}@{pick(rng, data.EMAIL_DOMAINS)}",
        )
