"""Name search: what matches, and how a province-wide search stays fast at millions of residents.

What matches. The query is folded like the stored `name_folded` (no diacritics, đ -> d, lower case)
and split into words, which must appear in the name in the same order. The first word may match
anywhere in the name ("uyen" finds "Nguyễn"); each further word must start a later word of the
name, with any words between: "nguyen an" finds "Nguyễn Văn An" and "Nguyễn Thị Anh", and
"nguyen van a" finds "Nguyễn Văn An". A query of one or two letters matches the start of a word
only ("an" finds "An", "Anh", "Ân", not "Lan"): as a substring it would match most of a province
and tell the user nothing. The whole condition is one LIKE pattern ('%nguyen% van% a%'), which a
trigram index serves on PostgreSQL and a plain scan of one commune serves on SQLite.

How it stays fast (PostgreSQL). Lists are ordered by `sort_key`, given name first. A trigram index
finds matching residents in no useful order, so the first page of "the 40,000 people called Dũng"
would fetch and sort all 40,000; walking an index in sort_key order is fast only when matches are
spread out, and crosses most of the province when they cluster at the end of the alphabet ("thi
yen"). The planner cannot tell the two apart. Names, though, repeat: the benchmark's province of a
million people has 75,171 distinct names (real registers repeat less, but still many times over).
Migration 0002 keeps each distinct name of each province once, in
`registry_resident_name` (filled by triggers), with its sort_key. A page of a province-wide search
reads the first matching names in order there (a small table: either plan is cheap), then the
residents of just those names through the (province, sort_key) index. The answer is the same as the
plain query's, row for row; only the work differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from django.db import connections
from django.db.models import F, Func, Lookup, Q, QuerySet
from django.db.models.query import ModelIterable
from django.db.models.sql.where import WhereNode

from langso.core.text import fold

# Pages beyond this many rows (40 pages of 25) use the plain query.
FAST_PAGE_LIMIT = 1000

# The first names (in sort order) after a sort_key, and up to `limit` residents of each. A name
# without residents (left over after a rename) still gives a row, so the caller knows it was read.
# WITH TIES never splits names that share a sort_key between two reads.
_PAGE_SQL = """
SELECT n.sort_key, n.name_folded, r.id
FROM (
    SELECT n.sort_key, n.name_folded FROM registry_resident_name n
    WHERE n.province_id = %s {after_last_read} AND ({name_condition})
    ORDER BY n.sort_key
    FETCH FIRST %s ROWS WITH TIES
) n
LEFT JOIN LATERAL (
    SELECT r.id FROM registry_resident r
    WHERE r.province_id = %s AND r.sort_key = n.sort_key AND r.name_folded = n.name_folded
    ORDER BY r.id
    LIMIT %s
) r ON true
ORDER BY n.sort_key, r.id
"""


class Like(Lookup):
    """`field LIKE pattern`, with a pattern built here (Django's lookups escape every wildcard)."""

    lookup_name = "like"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # Backslash escapes by default on PostgreSQL; SQLite has no default escape character.
        escape = " ESCAPE '\\'" if connection.vendor == "sqlite" else ""
        return f"{lhs} LIKE {rhs}{escape}", [*lhs_params, *rhs_params]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def name_words(query: str) -> list[str]:
    return fold(query).split()


def name_patterns(query: str) -> list[str]:
    """LIKE patterns on `name_folded`, any of which matching is a match (see the module's docstring)."""
    typed = name_words(query)
    words = [_escape_like(word) for word in typed]
    if not words:
        return []
    if len(words) == 1 and len(typed[0]) <= 2:
        return [f"{words[0]}%", f"% {words[0]}%"]
    return ["%" + "% ".join(words) + "%"]


def name_q(query: str, *, within_one_unit: bool = False) -> Q:
    """The condition on `name_folded` for a name typed in any form.

    `within_one_unit`: the list is confined to one commune or a few villages. Reading that unit's
    residents in sort order from the (commune, sort_key) index, checking each name, is then bounded
    and fast (a commune of 30,000 in a few milliseconds); the trigram index would look through the
    whole province's matches instead. Writing the column as `(name_folded || '')` keeps the planner
    off the trigram index without changing the answer.
    """
    column = (
        Func(F("name_folded"), template="(%(expressions)s || '')") if within_one_unit else F("name_folded")
    )
    condition = Q()
    for pattern in name_patterns(query):
        condition |= Q(Like(column, pattern))
    return condition


@dataclass(frozen=True)
class _ProvinceNameSearch:
    province_code: int
    patterns: tuple[str, ...]
    where: WhereNode  # the conditions it was made for; anything added later means the plain query


class ResidentSearchQuerySet(QuerySet):
    """Residents of a province-wide name search, whose slices are found through distinct names.

    Everything but the evaluation of a slice is Django's: count(), iteration without a slice, and
    any further filter (which switches back to the plain query). A slice, what the paginator, the
    API and `[:25]` take, first finds the ids of its rows on PostgreSQL, then loads just those rows
    with this queryset's select_related.
    """

    _name_search: _ProvinceNameSearch | None = None

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]  # Django's private _clone is not in the stubs
        clone._name_search = self._name_search
        return clone

    def _fetch_all(self) -> None:
        if self._result_cache is None and self._fast_page_applies():
            self._result_cache = self._fetch_page_through_names()
        super()._fetch_all()

    def _fast_page_applies(self) -> bool:
        query = self.query
        return (
            self._name_search is not None
            and connections[self.db].vendor == "postgresql"
            and self._iterable_class is ModelIterable
            and query.high_mark is not None
            and query.high_mark <= FAST_PAGE_LIMIT
            and tuple(query.order_by) == ("sort_key", "id")
            and query.where == self._name_search.where
            and not query.distinct
            and not query.combinator
        )

    def _fetch_page_through_names(self) -> list[Any]:
        search = self._name_search
        low, high = self.query.low_mark, self.query.high_mark
        if search is None or high is None:  # _fast_page_applies checked both; `python -O` keeps this
            raise RuntimeError("the page-by-names read needs a name search and a page's end")
        # Only placeholders go into the SQL text; the patterns travel as parameters.
        likes = " OR ".join("n.name_folded LIKE %s" for _ in search.patterns)
        first_read = _PAGE_SQL.format(after_last_read="", name_condition=likes)
        next_read = _PAGE_SQL.format(after_last_read="AND n.sort_key > %s", name_condition=likes)
        found: list[tuple[str, Any]] = []
        after: list[str] = []  # keyset: the last sort_key read, once there is one
        with connections[self.db].cursor() as cursor:
            while True:
                wanted = high - len(found)  # every name has at least one resident, bar leftovers
                params: list[Any] = [
                    search.province_code,
                    *after,
                    *search.patterns,
                    wanted,
                    search.province_code,
                    high,
                ]
                cursor.execute(next_read if after else first_read, params)
                rows = cursor.fetchall()
                found.extend((sort_key, pk) for sort_key, _name, pk in rows if pk is not None)
                names_read = len({(sort_key, name) for sort_key, name, _pk in rows})
                if len(found) >= high or names_read < wanted:
                    break
                after = [rows[-1][0]]
        page_ids = [pk for _sort_key, pk in found[low:high]]
        if not page_ids:
            return []
        unsliced = self._chain()  # type: ignore[attr-defined]  # Django's private _chain is not in the stubs
        unsliced.query.clear_limits()
        unsliced._name_search = None
        rows_by_id = {row.pk: row for row in unsliced.filter(pk__in=page_ids)}
        return [rows_by_id[pk] for pk in page_ids if pk in rows_by_id]


def searched_through_names(queryset: QuerySet, *, province_code: int, query: str) -> ResidentSearchQuerySet:
    """The same query, whose slices are found through the province's distinct names on PostgreSQL.

    The caller vouches that `queryset` holds only the residents of `province_code` whose name
    matches `query` (no other condition), ordered by sort_key and id.
    """
    fast = ResidentSearchQuerySet(model=queryset.model, query=queryset.query.chain(), using=queryset._db)  # type: ignore[attr-defined]  # private, not in the stubs
    fast._name_search = _ProvinceNameSearch(
        province_code=province_code, patterns=tuple(name_patterns(query)), where=fast.query.where.clone()
    )
    return fast
