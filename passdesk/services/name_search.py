"""Search as you type over the name_token index: the people whose name words start with every
word typed, found without walking a long range of the index when a short one will do.

Each word typed is a range of the index (its prefix). The answer is the first `limit` people in
the order of their first index entry in the range of the longest word, then their id; the
service shows them in name order. Walking that range in index order and checking the other
words person by person finds them at once when they are many, but reads the whole range
when they are few. So the size of each word's range is counted first, up to `RARE` entries,
which is cheap; when another word's range is the smallest and below that, a few entries of the
longest word's range are tried first (enough when many people match), then the small range is
walked whole, which finds every match, each ordered by its entries in the longest word's range.
Only when every word has `RARE` entries or more is the longest word's range walked to its end
if need be: common words together rarely have few people in common.

A birth date or year typed with the name (see `search_terms`) is one more range, over the
birth_date index: counted like the words', walked whole when it is the smallest (a day holds a
handful of people), else checked person by person on the walked entries. Typed alone, the
first `limit` people of its range in index order (birth date, then id) are the answer.

With several desks in the database and people not shared (`people_scope`), the people found
are the desk's own (`desk`): the statements check the person's desk where they check the birth
date, on the entries they walk; the ranges are still counted whole (counting is only a guess of
which range is smallest). A database of one desk runs the statements without that check.

The statements are built once per number of words, with the words as parameters: building
them anew cost more than running them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, exists, func, select

from passdesk.models import Beneficiary, NameToken
from passdesk.services.people_scope import desk_is

# Below this many index entries a word's range is walked whole (a few milliseconds at most).
RARE = 2000

_TOKENS = NameToken.__table__
_PEOPLE = Beneficiary.__table__
Born = tuple[date, date]  # the first and last birth dates asked for


def _bounds(word: str) -> tuple[str, str]:
    """The index range of the tokens starting with `word` (tokens are a-z0-9 only)."""
    return word, word[:-1] + chr(ord(word[-1]) + 1)


def _starts(column: Any, name: str) -> Any:
    """`column` starts with the word given as parameters `name`_from and `name`_to."""
    return and_(column >= bindparam(f"{name}_from"), column < bindparam(f"{name}_to"))


def _parameters(
    words: Sequence[str], born: Born | None = None, desk: int | None = None
) -> dict[str, Any]:
    names: dict[str, Any] = {}
    for i, word in enumerate(words):
        names[f"w{i}_from"], names[f"w{i}_to"] = _bounds(word)
    if born is not None:
        names["born_from"], names["born_to"] = born
    if desk is not None:
        names["desk"] = desk
    return names


def _has_words(person: Any, first: int, count: int) -> list[Any]:
    """The person (an id column) also has a name word starting with words first..count-1."""
    conditions = []
    for i in range(first, count):
        other = _TOKENS.alias(f"w{i}")
        conditions.append(
            exists().where(other.c.beneficiary_id == person, _starts(other.c.token, f"w{i}"))
        )
    return conditions


def _born_between(column: Any) -> Any:
    return and_(column >= bindparam("born_from"), column <= bindparam("born_to"))


def _of_desk(own: bool) -> list[Any]:
    """The person (the beneficiary row) is the desk's, when the search is the desk's alone."""
    return [desk_is(_PEOPLE.c.desk_id, bindparam("desk"))] if own else []


def _was_born(person: Any, born: bool, own: bool = False) -> list[Any]:
    """The person (an id column) was born in the range asked for, when one was typed, and is
    the desk's when `own` (one look at their row for both)."""
    if not born and not own:
        return []
    wanted = ([_born_between(_PEOPLE.c.birth_date)] if born else []) + _of_desk(own)
    return [exists().where(_PEOPLE.c.id == person, *wanted)]


@cache
def _range_size() -> Select[Any]:
    """How many entries start with a word, counting no further than `cap`."""
    probe = select(_TOKENS.c.token).where(_starts(_TOKENS.c.token, "w0")).limit(bindparam("cap"))
    return select(func.count()).select_from(probe.subquery())


@cache
def _born_size() -> Select[Any]:
    """How many people were born in the range, counting no further than `cap`."""
    probe = select(_PEOPLE.c.id).where(_born_between(_PEOPLE.c.birth_date)).limit(bindparam("cap"))
    return select(func.count()).select_from(probe.subquery())


@cache
def _born_only(own: bool = False) -> Select[Any]:
    """The first `limit` people born in the range, in the birth_date index's order."""
    return (
        select(_PEOPLE.c.id)
        .where(_born_between(_PEOPLE.c.birth_date), *_of_desk(own))
        .order_by(_PEOPLE.c.birth_date, _PEOPLE.c.id)
        .limit(bindparam("limit"))
    )


@cache
def _born_whole(count: int, own: bool = False) -> Select[Any]:
    """The people born in the range who have every word, each with their first entry in
    words[0]'s range: the range is walked whole (it is the smallest)."""
    first = _TOKENS.alias("first")
    person = _PEOPLE.c.id
    first_entry = (
        select(func.min(first.c.token))
        .where(first.c.beneficiary_id == person, _starts(first.c.token, "w0"))
        .scalar_subquery()
    )
    return select(person, first_entry).where(
        _born_between(_PEOPLE.c.birth_date), *_of_desk(own), *_has_words(person, 0, count)
    )


@cache
def _in_index_order(
    count: int, budgeted: bool, born: bool = False, own: bool = False
) -> Select[Any]:
    """The entries of words[0]'s range in index order, of people who have every other word;
    `budgeted`: among its first `budget` entries only."""
    entry: Any = _TOKENS.alias("entry")
    # Both keys are the primary key's: SQLite reads the index in order, and without a budget it
    # never sorts, so that rows come as soon as they are read.
    if budgeted:
        entry = (
            select(entry)
            .where(_starts(entry.c.token, "w0"))
            .order_by(entry.c.token, entry.c.beneficiary_id)
            .limit(bindparam("budget"))
            .subquery("walked")
        )
        walked = []
    else:
        walked = [_starts(entry.c.token, "w0")]
    person = entry.c.beneficiary_id
    return (
        select(person)
        .where(*walked, *_has_words(person, 1, count), *_was_born(person, born, own))
        .order_by(entry.c.token, entry.c.beneficiary_id)
    )


@cache
def _whole_range(count: int, born: bool = False, own: bool = False) -> Select[Any]:
    """The entries of the last word's range (the rarest, put last) of people who have every
    other word, each with that person's first entry in words[0]'s range."""
    entry, first = _TOKENS.alias("entry"), _TOKENS.alias("first")
    first_entry = (
        select(func.min(first.c.token))
        .where(first.c.beneficiary_id == entry.c.beneficiary_id, _starts(first.c.token, "w0"))
        .scalar_subquery()
    )
    last = count - 1
    person = entry.c.beneficiary_id
    return select(person, first_entry).where(
        _starts(entry.c.token, f"w{last}"),
        *_has_words(person, 0, last),
        *_was_born(person, born, own),
    )


def matching_people(
    connection: Connection,
    words: Sequence[str],
    limit: int,
    born: Born | None = None,
    desk: int | None = None,
) -> list[int]:
    """The ids of the first `limit` people matching every word (words[0] the longest) and born
    in `born`, in the order of their first entry starting with words[0], then id; with no
    word, the first born in `born`, by birth date then id. `desk`: that desk's people only."""
    # Asked of the statement builders only when it holds: a database of one desk builds them
    # as it always did.
    own: dict[str, bool] = {"own": True} if desk is not None else {}
    if not words:
        if born is None:
            return []
        rows = connection.execute(
            _born_only(**own), {**_parameters([], born, desk), "limit": limit}
        )
        return [person for (person,) in rows]
    rarest, smallest = 0, RARE
    if len(words) > 1 or born is not None:
        for i, word in enumerate(words):
            size = connection.scalar(_range_size(), {**_parameters([word]), "cap": smallest}) or 0
            if size < smallest:
                rarest, smallest = i, size
    parameters = _parameters(words, born, desk)
    by_birth = born is not None
    if by_birth:
        size = connection.scalar(_born_size(), {**parameters, "cap": smallest}) or 0
        if size < smallest:  # a day, or a year with few people: smaller than any word's range
            return _by_first_entry(connection, _born_whole(len(words), **own), parameters, limit)
    if rarest == 0:
        return _first_people(
            connection, _in_index_order(len(words), False, by_birth, **own), parameters, limit
        )
    # When many people have every word, they come early in index order: a quarter of the
    # rarest range's entries, read first, may be enough.
    budget = smallest // 4
    if budget >= limit:
        found = _first_people(
            connection,
            _in_index_order(len(words), True, by_birth, **own),
            {**parameters, "budget": budget},
            limit,
        )
        if len(found) >= limit:
            return found
    # The rarest word last, where the statement walks it.
    ordered = [*words[:rarest], *words[rarest + 1 :], words[rarest]]
    return _by_first_entry(
        connection,
        _whole_range(len(words), by_birth, **own),
        _parameters(ordered, born, desk),
        limit,
    )


def _by_first_entry(
    connection: Connection, query: Select[Any], parameters: dict[str, Any], limit: int
) -> list[int]:
    """Of the (person, first entry) rows of a range walked whole, the first `limit`."""
    first_entries = dict(connection.execute(query, parameters).all())
    return sorted(first_entries, key=lambda person: (first_entries[person], person))[:limit]


def _first_people(
    connection: Connection, query: Select[Any], parameters: dict[str, Any], limit: int
) -> list[int]:
    people: dict[int, None] = {}
    # Rows are read from SQLite as they are asked for; psycopg would fetch the whole range (the
    # 40,000 entries of a first letter) before the first one: a server-side cursor fetches
    # them a few at a time, and the server plans for the first rows.
    streamed = {"yield_per": 2 * limit} if connection.dialect.name == "postgresql" else {}
    result = connection.execute(query, parameters, execution_options=streamed)
    for (person,) in result:
        people[person] = None
        if len(people) >= limit:
            break
    result.close()
    return list(people)
