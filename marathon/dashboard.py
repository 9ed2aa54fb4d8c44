"""The home page's "what to do now" cards.

Each app may ship `<app>/dashboard.py` with `cards(user, edition) -> list[Card]`; the core
discovers them (as `seed_demo` discovers demo modules), so it never imports an app. A card
module runs at most a couple of cheap queries, and only for the roles it concerns."""

from dataclasses import dataclass
from functools import cache

from .discovery import app_modules


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    text: str
    url: str
    action: str
    count: int | None = None
    urgent: bool = False


@cache
def _card_providers() -> tuple:
    return tuple(module.cards for module in app_modules("dashboard") if module.__name__ != __name__)


def cards_for(user, edition) -> list[Card]:
    if not user.is_authenticated:
        return []
    cards = [card for provider in _card_providers() for card in provider(user, edition)]
    return sorted(cards, key=lambda card: not card.urgent)
