"""Classifications the programs use: NOC 2021, NAICS 2022 and postal-area centroids.

Loaded from the CSV files in `tandem/reference/data/` (sources and licences in its README).
"""

import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.i18n import bilingual


def search_key(text: str) -> str:
    """Lower case without accents, so that « ingenieur » finds « Ingénieur » on any database."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Occupation(models.Model):
    code = models.CharField(_("NOC code"), max_length=5, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"))
    title_en = models.CharField(_("title (English)"), max_length=255)
    # French titles exist for unit groups only (see the data README); others fall back to English.
    title_fr = models.CharField(_("title (French)"), max_length=255, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    teer = models.CharField(_("TEER"), max_length=1, blank=True)

    title = bilingual("title")

    class Meta:
        verbose_name = _("occupation (NOC 2021)")
        verbose_name_plural = _("occupations (NOC 2021)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class OccupationTitle(models.Model):
    """An example job title, in English or French, that points to a NOC unit group."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="example_titles"
    )
    language = models.CharField(max_length=2)
    title = models.CharField(max_length=255)
    search_text = models.CharField(max_length=255, db_index=True)

    class Meta:
        verbose_name = _("example job title")
        verbose_name_plural = _("example job titles")

    def __str__(self) -> str:
        return self.title


class Industry(models.Model):
    code = models.CharField(_("NAICS code"), max_length=6, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"))
    title_en = models.CharField(_("title (English)"), max_length=255)
    title_fr = models.CharField(_("title (French)"), max_length=255, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    title = bilingual("title")

    class Meta:
        verbose_name = _("industry (NAICS 2022)")
        verbose_name_plural = _("industries (NAICS 2022)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class PostalArea(models.Model):
    """A forward sortation area (the first three characters of a postal code) and its centroid."""

    fsa = models.CharField(_("forward sortation area"), max_length=3, primary_key=True)
    place_name = models.CharField(_("place"), max_length=255)
    province = models.CharField(_("province"), max_length=2)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        verbose_name = _("postal area")
        verbose_name_plural = _("postal areas")
        ordering = ["fsa"]

    def __str__(self) -> str:
        return f"{self.fsa} {self.place_name}"
