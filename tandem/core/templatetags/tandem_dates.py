"""`{% load tandem_dates %}`: `|day`, `|table_day`, `|clock`, `|when` and `|hours`, written as each language writes them
(see `tandem.core.dates`)."""

from django import template

from tandem.core import dates

register = template.Library()

register.filter("day", dates.day)
register.filter("table_day", dates.table_day)
register.filter("clock", dates.clock)
register.filter("when", dates.when)
register.filter("hours", dates.hours)
