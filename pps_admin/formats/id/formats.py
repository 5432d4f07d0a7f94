"""Indonesian date formats for the admin (overriding Django's `id` locale, see FORMAT_MODULE_PATH).

Django's own mix showed "26 Mei 2024" in lists, "26-05-2024" in inputs and "Nov." in timestamps.
Staff see one format on screen, the one they type: DD-MM-YYYY. Printed documents keep the long
form ("1 Juni 2024"), which their templates write out explicitly.
"""

DATE_FORMAT = "d-m-Y"
SHORT_DATE_FORMAT = "d-m-Y"
DATETIME_FORMAT = "d-m-Y H.i"
SHORT_DATETIME_FORMAT = "d-m-Y H.i"
TIME_FORMAT = "H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday

# The first format is the one date inputs are filled with; ISO dates (as exported and as the import
# template writes them) and DD/MM/YYYY are accepted too. No month-first formats: 03/04/2024 is
# 3 April here, never 4 March.
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d %B %Y"]
TIME_INPUT_FORMATS = ["%H.%M.%S", "%H.%M", "%H:%M:%S", "%H:%M"]
DATETIME_INPUT_FORMATS = [
    "%d-%m-%Y %H.%M.%S",
    "%d-%m-%Y %H.%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d-%m-%Y",
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
