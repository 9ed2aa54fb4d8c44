"""Money in the reader's language: "1.234,50 €" (de, es), "1 234,50 €" (ru), "€1,234.50" (en).

CLDR data through babel, so symbol position, separators and spacing are right for each locale;
the active language decides unless one is given (e-mails and exports pass the recipient's)."""

from decimal import Decimal, InvalidOperation

from babel.numbers import UnknownCurrencyError, format_currency, format_decimal
from django.utils import translation


def format_money(amount, currency: str = "EUR", language: str | None = None) -> str:
    """`amount` (Decimal, int, float or numeric string) in `currency`; "" for no amount."""
    value = _decimal(amount)
    if not isinstance(value, Decimal):
        return value
    try:
        return format_currency(value, (currency or "EUR").upper(), locale=_locale(language))
    except (UnknownCurrencyError, ValueError):
        return f"{value:.2f} {currency}"


def format_amount(amount, language: str | None = None) -> str:
    """The number alone with two decimals, grouped for the language: "1.234,50" (de)."""
    value = _decimal(amount)
    if not isinstance(value, Decimal):
        return value
    return format_decimal(value, format="#,##0.00", locale=_locale(language))


def _decimal(amount) -> Decimal | str:
    """The amount as a Decimal, or the text to show instead: "" for none, the input when not a number."""
    if amount is None or amount == "":
        return ""
    try:
        return Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)


def _locale(language: str | None) -> str:
    return translation.to_locale(language or translation.get_language() or "en")


def spreadsheet_format(currency: str = "EUR") -> str:
    """An XLSX number format for amounts: the spreadsheet shows the reader's separators itself."""
    symbol = {"EUR": "€", "USD": "$", "GBP": "£", "RUB": "₽"}.get((currency or "").upper(), currency)
    return f'#,##0.00 "{symbol}"'
