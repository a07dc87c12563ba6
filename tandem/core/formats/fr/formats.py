"""Canadian French formats (Office québécois de la langue française, Bureau de la traduction).

Django's `fr` formats are France's (« 06/12/2026 », « 13:00 »). Canadian French writes dates in
words in running text (« 6 décembre 2026 »), all-numeric dates in the ISO order of the national
standard CAN/CSA-Z234.4 (« 2026-12-06 »), and times with « h » (« 13 h 30 »). Two things these
format strings cannot say, « 1er » for the first of the month and « 13 h » without « 00 », are
handled by `tandem.core.dates` and its template filters (`day`, `clock`, `when`, `hours`).
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "G \\h i"
DATETIME_FORMAT = "j F Y, G \\h i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d G \\h i"
FIRST_DAY_OF_WEEK = 0  # Sunday, as Canadian calendars print it
# ISO first: it is the Canadian all-numeric order and what <input type="date"> sends.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # « 1 234,5 »: a non-breaking space, never a full stop
NUMBER_GROUPING = 3
