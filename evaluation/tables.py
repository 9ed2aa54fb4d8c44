"""The chair's dashboard tables at a network's size: sorting, filtering and pagination read from
the query string (plain links, no JavaScript), each table with its own prefix (`e_` experts,
`p_` projects, `r_` results) so moving in one table keeps the others where they are."""

from dataclasses import dataclass, field
from math import ceil

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Window
from django.http import QueryDict

PER_PAGE = 25
ALL = "all"


def url_with(params: QueryDict, **changes) -> str:
    """The current query string with `changes` applied (None removes a parameter)."""
    params = params.copy()
    for name, value in changes.items():
        if value is None or value == "":
            params.pop(name, None)
        else:
            params[name] = str(value)
    return f"?{params.urlencode()}" if params else "?"


def choice(params: QueryDict, name: str, allowed, default: str) -> str:
    value = params.get(name, default)
    return value if value in allowed else default


def positive_int(params: QueryDict, name: str, maximum: int = 1000) -> int | None:
    value = params.get(name, "")
    if value.isdigit() and 0 < int(value) <= maximum:
        return int(value)
    return None


@dataclass
class Table:
    """One table's page (its rows) and the links around it; everything but `rows` is plain data,
    cached with the rendered results table."""
    prefix: str
    number: int = 1
    num_pages: int = 1
    total: int = 0
    rows: list = field(default_factory=list)
    showing_all: bool = False
    previous_url: str = ""
    next_url: str = ""
    all_url: str = ""
    first_url: str = ""
    sorts: list = field(default_factory=list)

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def cacheable(self) -> dict:
        return {name: getattr(self, name) for name in (
            "prefix", "number", "num_pages", "total", "showing_all", "previous_url", "next_url", "all_url",
            "first_url", "sorts")}


def paginate(params: QueryDict, prefix: str, items, sort: str = "", sort_options: dict | None = None,
             per_page: int = PER_PAGE, allow_all: bool = False) -> Table:
    """A page of `items` (a queryset: one query, the page with the number of rows in all; a
    `(number, total, rows)` tuple from `queryset_page`, e.g. cached; or a list);
    `?<prefix>_page=all` shows every row where `allow_all`. Changing the sort goes back to the
    first page."""
    page_name = f"{prefix}_page"
    showing_all = allow_all and params.get(page_name) == ALL
    if isinstance(items, QuerySet):
        number, total, rows = queryset_page(items, params.get(page_name), per_page)
    elif isinstance(items, tuple):
        number, total, rows = items
    else:
        paginator = Paginator(items, max(len(items), 1) if showing_all else per_page)
        page = paginator.get_page(1 if showing_all else params.get(page_name))
        number, total, rows = page.number, paginator.count, list(page.object_list)
    num_pages = max(ceil(total / per_page), 1) if not showing_all else 1
    table = Table(prefix=prefix, number=number, num_pages=num_pages, total=total, rows=rows,
                  showing_all=showing_all)
    if number > 1:
        table.previous_url = url_with(params, **{page_name: number - 1})
    if number < num_pages:
        table.next_url = url_with(params, **{page_name: number + 1})
    if allow_all and num_pages > 1 and not showing_all:
        table.all_url = url_with(params, **{page_name: ALL})
    if showing_all:
        table.first_url = url_with(params, **{page_name: None})
    for key, label in (sort_options or {}).items():
        table.sorts.append({"key": key, "label": label, "active": key == sort,
                            "url": url_with(params, **{f"{prefix}_sort": key, page_name: None})})
    return table


def queryset_page(items: QuerySet, number, per_page: int = PER_PAGE) -> tuple[int, int, list]:
    """`(number, rows in all, the page's rows)` in one query: the page carries the number of rows
    (`COUNT(*) OVER ()`), instead of a COUNT that repeats the grouped query of a progress table.
    A page past the end (a stale link) or below 1 falls back to a count and the last page, as
    `Paginator.get_page` does; a page that is not a number is the first."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    if number >= 1:
        offset = (number - 1) * per_page
        rows = list(items.annotate(rows_in_all=Window(Count("*")))[offset:offset + per_page])
        if rows or number == 1:
            return number, rows[0].rows_in_all if rows else 0, rows
    page = Paginator(items, per_page).get_page(number)
    return page.number, page.paginator.count, list(page.object_list)


RESULT_SORTS = {
    "rank": lambda row: (row["official_rank"], row["title"]),
    "title": lambda row: (row["title"], row["official_rank"]),
    "sheets": lambda row: (row["sheets"], row["official_rank"]),
    "spread": lambda row: (-(row["stdev"] or 0), row["official_rank"]),
}


def results_rows(rows: list[dict], sort: str, disagreement: bool) -> list[dict]:
    """The cached results' rows filtered ("disagreement") and sorted in Python: 1,500 rows cost
    about a millisecond, against a recomputation of the results."""
    if disagreement:
        rows = [row for row in rows if row["disagreement_flag"]]
    if sort != "rank":  # the cached document is already in rank order
        rows = sorted(rows, key=RESULT_SORTS[sort])
    return rows
