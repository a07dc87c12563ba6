import csv
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction

from tandem.reference.models import Industry, Occupation, OccupationTitle, PostalArea, search_key

DATA_DIR = Path(__file__).resolve().parent / "data"
EXCLUDED_FSAS = {"H0H"}  # "Reserved (Santa Claus)" at the North Pole: not a real area


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def reference_is_loaded() -> bool:
    return Occupation.objects.exists() and PostalArea.objects.exists() and Industry.objects.exists()


@transaction.atomic
def reference_clear() -> None:
    OccupationTitle.objects.all().delete()
    # Children first: parents are protected.
    for model in (Occupation, Industry):
        for level in range(5, 0, -1):
            model.objects.filter(level=level).delete()
    PostalArea.objects.all().delete()


@transaction.atomic
def reference_load() -> dict[str, int]:
    """Loads every classification from the packaged CSV files, replacing what was there."""
    reference_clear()

    occupations = [
        Occupation(
            code=row["code"],
            level=int(row["level"]),
            title_en=row["title_en"],
            title_fr=row["title_fr"],
            parent_id=row["parent_code"] or None,
            teer=row["teer"],
        )
        for row in _rows("noc2021_structure.csv")
    ]
    Occupation.objects.bulk_create(sorted(occupations, key=lambda o: o.level), batch_size=500)

    titles = [
        OccupationTitle(
            occupation_id=row["code"],
            language=row["lang"],
            title=row["title"],
            search_text=search_key(row["title"]),
        )
        for row in _rows("noc2021_example_titles.csv")
    ]
    OccupationTitle.objects.bulk_create(titles, batch_size=2000)

    industries = [
        Industry(
            code=row["code"],
            level=int(row["level"]),
            title_en=row["title_en"],
            title_fr=row["title_fr"],
            parent_id=row["parent_code"] or None,
        )
        for row in _rows("naics2022_structure.csv")
    ]
    Industry.objects.bulk_create(sorted(industries, key=lambda i: i.level), batch_size=500)

    areas = [
        PostalArea(
            fsa=row["fsa"],
            place_name=row["place_name"],
            province=row["province_code"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
        )
        for row in _rows("ca_fsa_centroids.csv")
        if row["fsa"] not in EXCLUDED_FSAS
    ]
    PostalArea.objects.bulk_create(areas, batch_size=1000)
    return {
        "occupations": len(occupations),
        "titles": len(titles),
        "industries": len(industries),
        "postal_areas": len(areas),
    }
