"""Russian date formats: the genitive month name after the day ("1 июня 2027"); Django's `E`
gives the genitive form (`F` would give the nominative "июнь", `M` the capitalised "Июн")."""

DATE_FORMAT = "j E Y"
SHORT_DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
SHORT_DATETIME_FORMAT = "j E Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
