"""Reference data (NOC 2021, NAICS 2022, FSA centroids), read once with the csv module.

Codes are kept as strings: NOC codes have leading zeros and NAICS sectors can be ranges (31-33).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "reference" / "data"

# GeoNames places this reserved FSA (Santa Claus) at the North Pole.
EXCLUDED_FSAS = frozenset({"H0H"})


@dataclass(frozen=True, slots=True)
class NocGroup:
    code: str
    level: int
    title_en: str
    title_fr: str


@dataclass(frozen=True, slots=True)
class NaicsClass:
    code: str
    level: int
    title_en: str
    parent_code: str


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def noc_groups() -> dict[str, NocGroup]:
    """Every NOC 2021 group at every level, by code."""
    return {
        row["code"]: NocGroup(row["code"], int(row["level"]), row["title_en"], row["title_fr"])
        for row in _rows("noc2021_structure.csv")
    }


@functools.cache
def noc_unit_groups() -> tuple[str, ...]:
    """The 516 five-digit unit groups, sorted."""
    return tuple(sorted(code for code, group in noc_groups().items() if group.level == 5))


def noc_title(code: str, lang: str) -> str:
    """The group's title in ``lang``; French titles exist only for unit groups."""
    group = noc_groups()[code]
    if lang == "fr" and group.title_fr:
        return group.title_fr
    return group.title_en


@functools.cache
def noc_example_titles() -> dict[str, dict[str, tuple[str, ...]]]:
    """Example job titles per unit group and language: ``{code: {"en": (...), "fr": (...)}}``."""
    titles: dict[str, dict[str, list[str]]] = {}
    for row in _rows("noc2021_example_titles.csv"):
        titles.setdefault(row["code"], {"en": [], "fr": []})[row["lang"]].append(row["title"])
    return {code: {k: tuple(v) for k, v in by_lang.items()} for code, by_lang in titles.items()}


@functools.cache
def naics_classes() -> dict[str, NaicsClass]:
    """Every NAICS 2022 class by code, plus the single codes of range sectors (31 -> 31-33)."""
    classes = {
        row["code"]: NaicsClass(row["code"], int(row["level"]), row["title_en"], row["parent_code"])
        for row in _rows("naics2022_structure.csv")
    }
    for code, cls in list(classes.items()):
        if "-" in code:
            first, last = (int(part) for part in code.split("-"))
            for number in range(first, last + 1):
                classes.setdefault(str(number), cls)
    return classes


@functools.cache
def naics_path(code: str) -> tuple[str, ...]:
    """Codes from the sector down to ``code``: ``541511`` -> ``(54, 541, 5415, 54151, 541511)``.

    A two-digit code inside a range sector resolves to the range (``32`` -> ``31-33``), so that
    codes in one sector share their first element.
    """
    classes = naics_classes()
    path: list[str] = []
    current = classes[code].code
    while current:
        path.append(current)
        current = classes[current].parent_code
    return tuple(reversed(path))


@dataclass(frozen=True, slots=True)
class Fsa:
    code: str
    place_name: str
    province_code: str
    latitude: float
    longitude: float


@functools.cache
def fsas() -> dict[str, Fsa]:
    """Forward sortation areas with their centroids, without the reserved ones."""
    return {
        row["fsa"]: Fsa(
            row["fsa"],
            row["place_name"],
            row["province_code"],
            float(row["latitude"]),
            float(row["longitude"]),
        )
        for row in _rows("ca_fsa_centroids.csv")
        if row["fsa"] not in EXCLUDED_FSAS
    }
