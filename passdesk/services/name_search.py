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

The statements are built once per number of words, with the words as parameters: building
them anew cost more than running them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, exists, func, select

from passdesk.models import NameToken

# Below this many index entries a word's range is walked whole (a few milliseconds at most).
RARE = 2000

_TOKENS = NameToken.__table__


def _bounds(word: str) -> tuple[str, str]:
    """The index range of the tokens starting with `word` (tokens are a-z0-9 only)."""
    return word, word[:-1] + chr(ord(word[-1]) + 1)


def _starts(column: Any, name: str) -> Any:
    """`column` starts with the word given as parameters `name`_from and `name`_to."""
    return and_(column >= bindparam(f"{name}_from"), column < bindparam(f"{name}_to"))


def _parameters(words: Sequence[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for i, word in enumerate(words):
        names[f"w{i}_from"], names[f"w{i}_to"] = _bounds(word)
    return names


def _has_words(walked: Any, first: int, count: int) -> list[Any]:
    """The person of the walked entry also has a name word starting with words first..count-1."""
    conditions = []
    for i in range(first, count):
        other = _TOKENS.alias(f"w{i}")
        conditions.append(
            exists().where(
                other.c.beneficiary_id == walked.c.beneficiary_id, _starts(other.c.token, f"w{i}")
            )
        )
    return conditions


@cache
def _range_size() -> Select[Any]:
    """How many entries start with a word, counting no further than `cap`."""
    probe = select(_TOKENS.c.token).where(_starts(_TOKENS.c.token, "w0")).limit(bindparam("cap"))
    return select(func.count()).select_from(probe.subquery())


@cache
def _in_index_order(count: int, budgeted: bool) -> Select[Any]:
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
    return (
        select(entry.c.beneficiary_id)
        .where(*walked, *_has_words(entry, 1, count))
        .order_by(entry.c.token, entry.c.beneficiary_id)
    )


@cache
def _whole_range(count: int) -> Select[Any]:
    """The entries of the last word's range (the rarest, put last) of people who have every
    other word, each with that person's first entry in words[0]'s range."""
    entry, first = _TOKENS.alias("entry"), _TOKENS.alias("first")
    first_entry = (
        select(func.min(first.c.token))
        .where(first.c.beneficiary_id == entry.c.beneficiary_id, _starts(first.c.token, "w0"))
        .scalar_subquery()
    )
    last = count - 1
    return select(entry.c.beneficiary_id, first_entry).where(
        _starts(entry.c.token, f"w{last}"), *_has_words(entry, 0, last)
    )


def matching_people(connection: Connection, words: Sequence[str], limit: int) -> list[int]:
    """The ids of the first `limit` people matching every word (words[0] the longest), in the
    order of their first entry starting with words[0], then id."""
    rarest, smallest = 0, RARE
    if len(words) > 1:
        for i, word in enumerate(words):
            size = connection.scalar(_range_size(), {**_parameters([word]), "cap": smallest}) or 0
            if size < smallest:
                rarest, smallest = i, size
    parameters = _parameters(words)
    if rarest == 0:
        return _first_people(connection, _in_index_order(len(words), False), parameters, limit)
    # When many people have every word, they come early in index order: a quarter of the
    # rarest range's entries, read first, may be enough.
    budget = smallest // 4
    if budget >= limit:
        found = _first_people(
            connection, _in_index_order(len(words), True), {**parameters, "budget": budget}, limit
        )
        if len(found) >= limit:
            return found
    # The rarest word last, where the statement walks it.
    ordered = [*words[:rarest], *words[rarest + 1 :], words[rarest]]
    first_entries = dict(connection.execute(_whole_range(len(words)), _parameters(ordered)).all())
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
