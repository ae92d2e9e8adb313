"""Village names as people write them: with or without the kind word, any case, any accents.

A commune's list says "Bản Cáu", "thon ban cau" or "Cáu" for the village the registry calls
"Thôn Bản Cáu"; "Thôn 3" for "Thôn 03". A name is reduced to keys that ignore case, diacritics,
punctuation and leading zeros, once as written and once for each kind word taken off its front
("Thôn Bản Cáu" -> "thon ban cau", "ban cau", "cau": Bản is both a kind word and part of this name).
Two names are the same village when their keys meet; the closer the meeting, the surer the match:

  0. the whole names are equal ("Thôn 03" and "thôn 3");
  1. one is the other with kind words in front ("Bản Cáu" and "Thôn Bản Cáu", "3" and "Thôn 3");
  2. both lose their kind words ("Xóm Đồng Tâm" and "Thôn Đồng Tâm").

The surest level that finds anything decides; two villages at that level make the answer ambiguous
and the caller asks the person which one is meant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from langso.core.text import fold

# Kind words (folded) that open a village's name, longest first so "tổ dân phố 5" loses all three
# words rather than "tổ". thôn, bản, buôn, làng, xóm, ấp, khu, tổ, tổ dân phố, khu phố, khu dân cư,
# khóm, cụm, đội, sóc, phum, bon (Mnông), plei/plơi/ploi/plơy/plok (Gia Rai, Ba Na), and "tdp" for tổ dân phố.
KIND_WORDS: tuple[str, ...] = tuple(
    sorted(
        {
            "thon",
            "ban",
            "buon",
            "lang",
            "xom",
            "ap",
            "khu",
            "to",
            "to dan pho",
            "tdp",
            "khu pho",
            "kp",
            "khu dan cu",
            "kdc",
            "khom",
            "cum",
            "cum dan cu",
            "doi",
            "soc",
            "phum",
            "bon",
            "plei",
            "ploi",
            "ploy",
            "plok",
        },
        key=lambda word: (-len(word), word),
    )
)
_PREFIX = re.compile(r"(?:" + "|".join(re.escape(word) for word in KIND_WORDS) + r") ")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_NUMBER = re.compile(r"[0-9]+")


def village_key(name: str) -> str:
    """The whole name as a key: "Thôn 03" -> "thon 3", "THÔN BẢN CÁU" -> "thon ban cau", "Tổ3" -> "to 3"."""
    text = _NOT_WORD.sub(" ", fold(name))
    text = _LETTER_DIGIT.sub(" ", text)
    text = _NUMBER.sub(lambda number: str(int(number[0])), text)
    return " ".join(text.split())


def village_keys(name: str) -> list[str]:
    """The name's key, then the key without each kind word in turn, while something is left."""
    key = village_key(name)
    keys = [key]
    while True:
        found = _PREFIX.match(key)
        if found is None or found.end() >= len(key):
            return keys
        key = key[found.end() :]
        keys.append(key)


V = TypeVar("V")


@dataclass
class VillageMatch(Generic[V]):
    """The village a name means, or the villages it could mean (more than one: ask the person)."""

    village: V | None = None
    candidates: list[V] = field(default_factory=list)
    exact: bool = False  # the whole names are equal once case, accents and leading zeros are set aside

    @property
    def ambiguous(self) -> bool:
        return self.village is None and len(self.candidates) > 1


class VillageIndex(Generic[V]):
    """A commune's villages, looked up by any way of writing their names.

    `name_of` gives a village's name (villages are objects in a service, dicts or tuples in the import).
    A commune has tens of villages, so the keys are built once and compared in memory.
    """

    def __init__(self, villages: Iterable[V], name_of: Callable[[V], str]) -> None:
        self._name_of = name_of
        self._entries: list[tuple[V, list[str]]] = []
        for village in villages:
            self.add(village)

    def add(self, village: V) -> None:
        self._entries.append((village, village_keys(self._name_of(village))))

    def villages(self) -> list[V]:
        return [village for village, _keys in self._entries]

    def match(self, name: str, *, exclude: V | None = None) -> VillageMatch[V]:
        keys = village_keys(name)
        if not keys[0]:
            return VillageMatch()
        whole, written = keys[0], set(keys)
        levels: list[list[V]] = [[], [], []]
        for village, theirs in self._entries:
            if exclude is not None and village == exclude:
                continue
            if theirs[0] == whole:
                levels[0].append(village)
            elif whole in theirs or theirs[0] in written:
                levels[1].append(village)
            elif written.intersection(theirs):
                levels[2].append(village)
        for level, found in enumerate(levels):
            if len(found) == 1:
                return VillageMatch(village=found[0], candidates=found, exact=level == 0)
            if found:
                return VillageMatch(candidates=found)
        return VillageMatch()
