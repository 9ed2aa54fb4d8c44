"""Reporting periods of an edition's research phase, from the edition's cadence."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .models import Cadence


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def due(self) -> date:
        """A report is due on the last day of its period."""
        return self.end


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _next_start(start: date, cadence: str, index: int, first: date) -> date:
    if cadence == Cadence.WEEKLY:
        return start + timedelta(days=7)
    if cadence == Cadence.BIWEEKLY:
        return start + timedelta(days=14)
    return _add_months(first, index + 1)


def report_periods(edition, cadence: str = Cadence.MONTHLY) -> list[Period]:
    periods, start, index = [], edition.research_start, 0
    while start <= edition.research_end:
        following = _next_start(start, cadence, index, edition.research_start)
        periods.append(Period(start, min(following - timedelta(days=1), edition.research_end)))
        start, index = following, index + 1
    return periods


def period_starting(edition, cadence: str, start: date) -> Period | None:
    return next((p for p in report_periods(edition, cadence) if p.start == start), None)


def current_period(edition, cadence: str, today: date) -> Period | None:
    return next((p for p in report_periods(edition, cadence) if p.start <= today <= p.end), None)


def last_due_period(edition, cadence: str, today: date) -> Period | None:
    """The latest period whose due date has passed (its report should be in)."""
    due = [p for p in report_periods(edition, cadence) if p.due < today]
    return due[-1] if due else None
