"""Soundalike keys and name similarity for Welsh and English names.

Pure functions, no Django. Why this scheme: docs/decisions/0004-soundalike-matching.md.

A name is first *normalised*: diacritics folded (``ŵ`` is ``w``), lower case, an
apostrophe dropped (``O'Brien`` is ``obrien``), any other non-letter a space. Each
word then gets a *phonetic key*: consonant sounds only, Welsh and English
spellings of one sound coded alike (``ll`` and ``l``; ``dd``, ``th`` and ``d``;
``f``, ``ff``, ``ph`` and ``v``; ``rh`` and ``r``), ``w`` and ``y`` counted as
vowels, and a leading vowel kept as ``A``. A name has up to three keys: the whole
name, and its first and last words (so ``Lloyd-Jones`` is found by ``Jones``), or
the name without a glued ``ap``/``ab`` (``Aprhys`` is found by ``Rhys``).

Typing slips that change a consonant are caught from the searcher's side: the keys
of every one-letter slip of the query (a letter dropped, two swapped, a
neighbouring key struck) are looked up too, and a name found only that way must
also be close in spelling (``TYPO_MIN_SIMILARITY``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

VOWELS = frozenset("aeiouwy")
_CONSONANTS = "bcdfghjklmnpqrstvxz"
# Particles that are not a name of their own: Welsh patronymics, European nobiliary.
PARTICLES = frozenset(
    {"ap", "ab", "ferch", "verch", "de", "la", "le", "du", "da", "di", "del"}
    | {"van", "von", "der", "den"}
)
GLUED_PREFIXES = ("ap", "ab")
MIN_GLUED_REST_LETTERS = 3
MIN_PART_LETTERS = 2
KEYS_PER_NAME = 3
MAX_KEY_LENGTH = 24
# A name found only through a slip of the query must be at least this close.
TYPO_MIN_SIMILARITY = 0.85
# A match on one word of a longer name ranks below a match on the whole name.
PART_MATCH_WEIGHT = 0.95

# Letters with no decomposition into a base letter and a mark.
_SPECIAL_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d"}
)
_APOSTROPHES = "'\u2019\u2018`\u00b4"
# Neighbouring keys on a UK keyboard, for slips of the finger.
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _keyboard_neighbours() -> dict[str, str]:
    neighbours: dict[str, str] = {}
    for row_index, row in enumerate(_KEYBOARD_ROWS):
        for column, letter in enumerate(row):
            near = [row[j] for j in (column - 1, column + 1) if 0 <= j < len(row)]
            for other in (row_index - 1, row_index + 1):
                if 0 <= other < len(_KEYBOARD_ROWS):
                    other_row = _KEYBOARD_ROWS[other]
                    start = column - 1 if other > row_index else column
                    near += other_row[max(start, 0) : start + 2]
            neighbours[letter] = "".join(sorted(set(near)))
    return neighbours


KEYBOARD_NEIGHBOURS = _keyboard_neighbours()


def normalise_name(name: str | None) -> str:
    """Lower-case letters in words separated by one space, without diacritics."""
    if not name:
        return ""
    folded = unicodedata.normalize("NFKD", name.casefold().translate(_SPECIAL_LETTERS))
    letters = []
    for char in folded:
        if unicodedata.combining(char) or char in _APOSTROPHES:
            continue
        letters.append(char if "a" <= char <= "z" else " ")
    return " ".join("".join(letters).split())


def _code_at(word: str, i: int) -> tuple[str, int]:  # noqa: C901
    """The sound code of the letters at ``word[i:]`` and how many letters it used."""
    char = word[i]
    rest = word[i + 1 : i + 3]
    nxt = rest[:1]
    if char in VOWELS:
        if i == 0:
            return ("W" if char == "w" else "A"), 1
        return "", 1
    if char == "c":
        if nxt == "h":
            # Greek ch is hard before r and l: Christopher, Chloe.
            return ("K" if rest[1:] in ("r", "l") else "X"), 2
        # Soft only inside a word: a Welsh initial c is always hard (Cerys, Ceri).
        return ("S" if i > 0 and nxt in ("e", "i", "y") else "K"), 1
    if char == "t" and rest == "ch":
        return "X", 3
    if char in "ts" and nxt == "h":
        return char.upper(), 2
    if char == "g":
        if nxt == "h":
            return ("K" if i == 0 else ""), 2
        # Soft only at the start (Gemma, Jemma); Welsh g is hard (Morgen, Gethin).
        return ("J" if i == 0 and nxt in ("e", "i", "y") else "K"), 1
    if char == "p":
        if nxt == "h":
            return "F", 2
        # Silent between m and s or t: Thompson, Simpson, Sampson.
        if i > 0 and word[i - 1] == "m" and nxt in ("s", "t"):
            return "", 1
        return "P", 1
    if char == "r" and nxt == "h":
        return "R", 2
    if char == "h":
        return ("H" if i == 0 else ""), 1
    if char == "x":
        return ("S" if i == 0 else "KS"), 1
    return _SIMPLE_CODES[char], 1


_SIMPLE_CODES = {
    "b": "B", "d": "T", "f": "F", "j": "J", "k": "K", "l": "L", "m": "M", "n": "N",
    "p": "P", "q": "K", "r": "R", "s": "S", "t": "T", "v": "F", "z": "S",
}  # fmt: skip

_SILENT_STARTS = {"wr": "r", "kn": "n", "gn": "n", "ps": "s", "pn": "n", "wh": "w"}


def phonetic_key(word: str) -> str:
    """The consonant-sound key of one normalised word (``[a-z]+``), e.g. ``JNS``."""
    word = _SILENT_STARTS.get(word[:2], word[:2]) + word[2:]
    codes: list[str] = []
    previous = ""
    i = 0
    while i < len(word):
        code, used = _code_at(word, i)
        # One sound written twice (ll, dd, ck) is one code; a vowel between keeps two.
        if code != previous:
            codes.append(code)
        previous = code
        i += used
    key = "".join(codes)
    # A patronymic or plural s after a consonant: Williams and William.
    if len(word) > 2 and word[-1] == "s" and word[-2] not in VOWELS and len(key) > 2:
        key = key[:-1]
    return key[:MAX_KEY_LENGTH]


def name_words(name: str) -> list[str]:
    """The words of a normalised name that are names of their own (not particles)."""
    return [
        word
        for word in name.split()
        if len(word) >= MIN_PART_LETTERS and word not in PARTICLES
    ]


def _unique(keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for key in keys if key))


def name_keys(name: str | None) -> tuple[str, ...]:
    """The stored keys of a name: whole name first, then its words, at most three."""
    normalised = normalise_name(name)
    if not normalised:
        return ()
    whole = normalised.replace(" ", "")
    keys = [phonetic_key(whole)]
    words = name_words(normalised)
    if len(words) > 1:
        keys += [phonetic_key(words[0]), phonetic_key(words[-1])]
    elif words and words[0] != whole:
        keys.append(phonetic_key(words[0]))
    for prefix in GLUED_PREFIXES:
        rest = whole[len(prefix) :]
        if whole.startswith(prefix) and len(rest) >= MIN_GLUED_REST_LETTERS:
            keys.append(phonetic_key(rest))
    return _unique(keys)[:KEYS_PER_NAME]


def slips(word: str) -> set[str]:
    """Every one-letter slip of a word that keeps its first letter.

    A letter dropped, two neighbours swapped, a neighbouring key struck instead,
    or a consonant added (a vowel added never changes the key).
    """
    found: set[str] = set()
    for i in range(1, len(word) + 1):
        found.update(word[:i] + added + word[i:] for added in _CONSONANTS)
        if i == len(word):
            break
        found.add(word[:i] + word[i + 1 :])
        if i + 1 < len(word):
            found.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
        for other in KEYBOARD_NEIGHBOURS.get(word[i], ""):
            found.add(word[:i] + other + word[i + 1 :])
    return {slip for slip in found if len(slip) >= MIN_PART_LETTERS}


def slip_keys(name: str | None) -> frozenset[str]:
    """Keys of the query's one-letter slips, and its keys with a final S toggled."""
    normalised = normalise_name(name)
    words = name_words(normalised) or normalised.split()
    keys: set[str] = set()
    for word in words:
        keys.update(phonetic_key(slip) for slip in slips(word))
    for key in name_keys(normalised):
        keys.add(key[:-1] if key.endswith("S") and len(key) > 2 else key + "S")
    return frozenset(keys) - set(name_keys(normalised))


def jaro_winkler(first: str, second: str) -> float:
    """The Jaro-Winkler similarity of two strings, from 0 (unlike) to 1 (equal)."""
    if first == second:
        return 1.0
    if not first or not second:
        return 0.0
    window = max(max(len(first), len(second)) // 2 - 1, 0)
    taken = [False] * len(second)
    first_matched = []
    for i, char in enumerate(first):
        for j in range(max(0, i - window), min(len(second), i + window + 1)):
            if not taken[j] and second[j] == char:
                taken[j] = True
                first_matched.append(char)
                break
    matches = len(first_matched)
    if not matches:
        return 0.0
    second_matched = [char for j, char in enumerate(second) if taken[j]]
    half_transpositions = sum(
        a != b for a, b in zip(first_matched, second_matched, strict=True)
    )
    jaro = (
        matches / len(first)
        + matches / len(second)
        + (matches - half_transpositions / 2) / matches
    ) / 3
    prefix = 0
    for a, b in zip(first[:4], second[:4], strict=False):
        if a != b:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


# A rough respelling by sound, vowels included, for ranking: Rees, Reece and Rhys
# are all "ris", Rose is "ros". Applied in order.
_RESPELLINGS = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^wr", "r"), (r"^kn", "n"), (r"rh", "r"), (r"wh", "w"), (r"ph", "f"),
        (r"(?<=.)gh(?=[aeiou])", "g"), (r"(?<=.)gh", ""), (r"ck", "k"),
        (r"(?<=.)c(?=[eiy])", "s"), (r"c", "k"),
        (r"z", "s"), (r"q", "k"), (r"v", "f"), (r"(?<=.)y", "i"),
        (r"ee|ea|ie|ei", "i"), (r"oo|ou", "u"), (r"(?<=[^aeiou])e$", ""),
        (r"(.)\1+", r"\1"),
    )
)  # fmt: skip


@functools.lru_cache(maxsize=65536)
def respell(word: str) -> str:
    """A normalised word respelled roughly as it sounds (for ranking only)."""
    for pattern, replacement in _RESPELLINGS:
        word = pattern.sub(replacement, word)
    return word


def _closeness(first: str, second: str) -> float:
    """Half spelling, half sound: both Jaro-Winkler similarities, averaged."""
    spelling = jaro_winkler(first, second)
    sound = jaro_winkler(respell(first), respell(second))
    return (spelling + sound) / 2


@functools.lru_cache(maxsize=65536)
def similarity(query: str | None, name: str | None) -> float:
    """How close a name is to the query, from 0 to 1; 1 only for the same name.

    The whole names are compared without spaces, and each word of one with each
    word of the other (a little lower), so ``Jones`` is close to ``Lloyd-Jones``.
    """
    first, second = normalise_name(query), normalise_name(name)
    if first == second:
        return 1.0 if first else 0.0
    best = _closeness(first.replace(" ", ""), second.replace(" ", ""))
    first_words, second_words = name_words(first), name_words(second)
    if len(first_words) > 1 or len(second_words) > 1:
        for a in first_words:
            for b in second_words:
                best = max(best, PART_MATCH_WEIGHT * _closeness(a, b))
    # Never 1 for two different spellings: an exact match always ranks first.
    return min(best, 0.999)


class SoundalikeQuery:
    """A name being searched for: its keys, its slip keys, and the match rule."""

    def __init__(self, name: str) -> None:
        self.name = normalise_name(name)
        self.keys = frozenset(name_keys(self.name))
        self.slip_keys = slip_keys(self.name)

    @property
    def lookup_keys(self) -> frozenset[str]:
        """Every key to look up in the index."""
        return self.keys | self.slip_keys

    def score(self, candidate: str, keys: Iterable[str] | None = None) -> float | None:
        """The similarity of a candidate spelling, or None when it is no match.

        ``keys`` are the candidate's ``name_keys``, when already known.
        """
        keys = set(name_keys(candidate) if keys is None else keys)
        if keys & self.keys:
            return similarity(self.name, candidate)
        if keys & self.slip_keys:
            value = similarity(self.name, candidate)
            return value if value >= TYPO_MIN_SIMILARITY else None
        return None


def is_soundalike(query: str, name: str) -> bool:
    """Tell whether a soundalike search for ``query`` finds ``name``."""
    return SoundalikeQuery(query).score(name) is not None
