from django import template

from marathon.money import format_amount, format_money

register = template.Library()


@register.filter
def currency(amount, code="EUR"):
    """`{{ mobility.grant_total|currency:mobility.grant_currency }}` → "1.234,50 €" in German."""
    return format_money(amount, code or "EUR")


@register.filter
def amount(value):
    """`{{ total|amount }} EUR` → "1.234,50 EUR" in German: for texts that name the currency."""
    return format_amount(value)
