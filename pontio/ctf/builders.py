"""From CTF elements to model objects, by the tables in :mod:`pontio.ctf.layouts`.

A child that is unknown, or repeated where one is expected, is kept verbatim in
the object's ``extras``; an unknown child of a list container goes to its owner's
``container_extras``. A text value is the element's own text: elements nested
inside a text element are not kept.

This runs for every element of every pupil (tens of thousands of small objects per
file), so it is written for speed: one dictionary look-up per child on the common
path, each subtree walked once, and objects made without calling ``__init__``.
"""

from __future__ import annotations

from typing import Any, cast

from lxml import etree

from pontio.ctf import layouts, models
from pontio.ctf.layouts import NAMED, REPEATED, SINGLE, Entry, Layout
from pontio.ctf.models import Header, Pupil

CONTAINER_EXTRAS = "container_extras"


def build_header(element: etree._Element) -> Header:
    """The header object for a ``Header`` element."""
    return cast(Header, build(layouts.HEADER, element))


def build_pupil(element: etree._Element) -> Pupil:
    """The pupil object for a ``Pupil`` element."""
    return cast(Pupil, build(layouts.PUPIL, element))


def build(layout: Layout, element: etree._Element) -> Any:
    """An object of ``layout.cls`` from ``element``'s children.

    Equivalent to ``layout.cls(**values)`` for these plain frozen dataclasses (which
    have no ``__post_init__``), and several times faster.
    """
    values: dict[str, Any] = {}
    extras: list[str] | None = None  # made only when needed: most objects have none
    text = layout.text
    for child in element:
        tag = child.tag
        name = text.get(tag)
        if name is not None and name not in values:
            values[name] = child.text or ""
            continue
        placed = _take_nested(layout.nested.get(tag), child, values)
        if not placed and isinstance(tag, str):
            extras = extras or []
            extras.append(to_xml(child))
    if layout.collects:
        _freeze_collections(layout, values)
    values["extras"] = tuple(extras) if extras else ()
    instance = object.__new__(layout.cls)
    attributes = instance.__dict__
    attributes.update(layout.defaults)
    attributes.update(values)
    return instance


def _take_nested(
    entry: Entry | None, child: etree._Element, values: dict[str, Any]
) -> bool:
    """Store a child that is not a plain text value; ``False`` if it has no place."""
    if entry is None:
        return False
    kind, name, aux, sub = entry
    if kind == REPEATED:
        values.setdefault(name, []).append(build(cast(Layout, sub), child))
    elif name in values:
        return False
    elif kind == SINGLE:
        values[name] = build(cast(Layout, sub), child)
    elif kind == NAMED:
        values[name] = child.text or ""
        values[cast(str, aux)] = child.tag
    else:
        values[name] = _items(child, cast(str, aux), sub, values)
    return True


def _items(
    container: etree._Element,
    item: str,
    layout: Layout | None,
    values: dict[str, Any],
) -> tuple[Any, ...]:
    """The items of a list container; anything else in it goes to container_extras."""
    items: list[Any] = []
    for child in container:
        tag = child.tag
        if tag == item and layout is not None:
            items.append(build(layout, child))
        elif tag == item:
            items.append(child.text or "")
        elif isinstance(tag, str):
            extra = models.ContainerExtra(str(container.tag), to_xml(child))
            values.setdefault(CONTAINER_EXTRAS, []).append(extra)
    return tuple(items)


def _freeze_collections(layout: Layout, values: dict[str, Any]) -> None:
    """Turn the lists gathered for repeated objects and container extras to tuples."""
    for name in layout.repeated_fields:
        if name in values:
            values[name] = tuple(values[name])
    if CONTAINER_EXTRAS in values:
        values[CONTAINER_EXTRAS] = tuple(values[CONTAINER_EXTRAS])


def to_xml(element: etree._Element) -> str:
    """``element`` serialised as it stands, without its tail."""
    return etree.tostring(element, encoding="unicode", with_tail=False)
