"""Opening hours in OpenStreetMap's syntax: check them, and say them the way people read them.

Places carry `opening_hours` text ("Mo-Fr 09:30-12:30,14:00-17:30"); the receipt, the places
page and the place editor show it as "lun.–ven. 9 h 30–12 h 30, 14 h–17 h 30". The syntax is
read by `opening-hours-py` (the Rust `opening-hours` parser); this module only puts what it
computes into words. The week is described from the parser's own evaluation of six sample
weeks across a year: when they all agree, the hours are weekly and are said day by day; when
they differ (summer hours, "Jul-Aug off"), or the text cannot be read, the text is shown as
given. Nothing here raises on bad input: a place's hours never stop a receipt.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache

import opening_hours as osm
from babel import dates as babel_dates

from passdesk import i18n
from passdesk.i18n import N_, _

# Six Mondays spread over a year (no public holiday is known to the parser without a country).
_SAMPLE_WEEKS = tuple(
    first - timedelta(days=first.weekday())
    for first in (datetime(2029, month, 10) for month in (1, 3, 5, 7, 9, 11))
)
_WEEK = timedelta(days=7)
_DAY_MINUTES = 24 * 60
_HOLIDAYS_CLOSED = re.compile(r"\bPH\b[^;]*\b(?:off|closed)\b")
_ERROR_AT = re.compile(r"-->\s*\d+:(\d+)")
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}

CLOSED = N_("closed")
ALWAYS = N_("every day, 24 hours a day")
EVERY_DAY = N_("every day")
UNSURE = N_("to be confirmed")
HOLIDAYS = N_("; closed on public holidays")

# One day's hours: (start minute, end minute, open for sure, comment)
Span = tuple[int, int, bool, str]


def check(text: str) -> str | None:
    """None when `text` is empty or valid; otherwise what is wrong, for the person typing it."""
    text = text.strip()
    if not text:
        return None
    try:
        osm.OpeningHours(text)
    except Exception as error:  # the parser raises its own SyntaxError subclass
        where = _ERROR_AT.search(str(error))
        if where:
            return _(
                "The opening hours cannot be read near character {position}: write them as "
                "OpenStreetMap does, e.g. Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00."
            ).format(position=where.group(1))
        return _(
            "The opening hours cannot be read: write them as OpenStreetMap does, e.g. "
            "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00."
        )
    return None


def is_valid(text: str) -> bool:
    return check(text) is None


def describe(text: str, language: str | None = None) -> str:
    """The hours in words, in `language` (default: the current one); the text as given when
    they cannot be read or are not the same every week."""
    return _describe(text.strip(), language or i18n.current_language())


@lru_cache(maxsize=4096)
def _describe(text: str, language: str) -> str:
    if not text:
        return ""
    try:
        parsed = osm.OpeningHours(text)
        weeks = {_week(parsed, monday) for monday in _SAMPLE_WEEKS}
        normalized = str(parsed.normalize())
    except Exception:  # unreadable, or the parser gave up on an odd rule: show it as given
        return text
    if len(weeks) != 1:
        return text
    (week,) = weeks
    said = _say_week(week, language)
    if _HOLIDAYS_CLOSED.search(normalized):
        said += _in(language, HOLIDAYS)
    return said


def _week(parsed: osm.OpeningHours, monday: datetime) -> tuple[tuple[Span, ...], ...]:
    """Each day's open (or maybe open) spans, Monday first."""
    days: list[list[Span]] = [[] for _day in range(7)]
    for start, end, state, comment in parsed.intervals(monday, monday + _WEEK):
        if state == osm.State.CLOSED:
            continue
        sure = state == osm.State.OPEN
        moment = start
        while moment < end:  # split at midnight: a span belongs to the day it starts on
            day = (moment - monday).days
            midnight = monday + timedelta(days=day + 1)
            stop = min(end, midnight)
            first = (moment - monday - timedelta(days=day)).seconds // 60
            last = _DAY_MINUTES if stop == midnight else (stop - midnight).seconds // 60
            if last == 0 and stop != midnight:
                last = _DAY_MINUTES
            days[day].append((first, last, sure, comment.strip()))
            moment = stop
    return tuple(tuple(day) for day in days)


def _in(language: str, message: str) -> str:
    """`message` in `language`, whatever the current language is (a receipt may be printed in
    French from an English window)."""
    if language == i18n.current_language():
        return _(message)
    saved = i18n.current_language()
    try:
        i18n.set_language(language)
        return _(message)
    finally:
        i18n.set_language(saved)


def _say_week(week: tuple[tuple[Span, ...], ...], language: str) -> str:
    if not any(week):
        return _in(language, CLOSED)
    if all(day == ((0, _DAY_MINUTES, True, ""),) for day in week):
        return _in(language, ALWAYS)
    groups: dict[tuple[Span, ...], list[int]] = {}
    for number, day in enumerate(week):
        if day:
            groups.setdefault(day, []).append(number)
    names = babel_dates.get_day_names("abbreviated", locale=_LOCALES.get(language, "fr_FR"))
    parts = []
    for spans, numbers in groups.items():
        days = (
            _in(language, EVERY_DAY) if len(numbers) == 7 else _say_days(numbers, names, language)
        )
        parts.append(f"{days} {_say_spans(spans, language)}")
    return "; ".join(parts)


def _say_days(numbers: list[int], names: dict[int, str], language: str) -> str:
    """Runs of 3 days or more as ranges: "lun.–ven.", "mar., jeu.", "lun.–mer., ven."."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][-1] == number - 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    said = []
    for run in runs:
        if len(run) >= 3:
            said.append(f"{names[run[0]]}–{names[run[-1]]}")
        else:
            said.extend(names[n] for n in run)
    return ", ".join(said)


def _say_spans(spans: tuple[Span, ...], language: str) -> str:
    times = ", ".join(f"{_clock(a, language)}–{_clock(b, language)}" for a, b, _s, _c in spans)
    notes = []
    comments = {c for _a, _b, _s, c in spans if c}
    if comments:
        notes.append(", ".join(sorted(comments)))
    if not all(sure for _a, _b, sure, _c in spans):
        notes.append(_in(language, UNSURE))
    return times + (f" ({'; '.join(notes)})" if notes else "")


def _clock(minutes: int, language: str) -> str:
    """9 h 30, 14 h (French); 09:30, 14:00 (English)."""
    hours, rest = divmod(minutes, 60)
    if language == "fr":
        return f"{hours} h {rest:02d}" if rest else f"{hours} h"
    return f"{hours:02d}:{rest:02d}"


# --- a plain week, for the editor that writes the syntax for people who do not know it -----

DAY_KEYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# One day's opening: (start minute, end minute) spans, in order.
Week = tuple[tuple[tuple[int, int], ...], ...]


def plain_week(text: str) -> Week | None:
    """The hours as seven days of spans when they are the same every week, sure and without
    comments (what the editor can show); an empty week for empty text; None otherwise."""
    text = text.strip()
    if not text:
        return tuple(() for _day in DAY_KEYS)
    try:
        parsed = osm.OpeningHours(text)
        weeks = {_week(parsed, monday) for monday in _SAMPLE_WEEKS}
    except Exception:  # unreadable or beyond the parser: not a plain week
        return None
    if len(weeks) != 1:
        return None
    (week,) = weeks
    if any(not sure or comment for day in week for _a, _b, sure, comment in day):
        return None
    return tuple(tuple((start, end) for start, end, _s, _c in day) for day in week)


def closed_on_holidays(text: str) -> bool:
    """Whether the hours say the place is closed on public holidays ("PH off")."""
    try:
        return bool(_HOLIDAYS_CLOSED.search(str(osm.OpeningHours(text.strip()).normalize())))
    except Exception:  # unreadable: nothing is said of holidays
        return False


def week_text(week: Week, *, holidays_closed: bool = False) -> str:
    """The OpenStreetMap text of a plain week: days with the same hours together
    ("Mo-Fr 09:30-12:30,14:00-17:30; Sa 09:00-12:00"), "PH off" when asked; empty when
    closed every day."""
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for number, spans in enumerate(week):
        if spans:
            groups.setdefault(tuple(spans), []).append(number)
    rules = []
    for spans, numbers in groups.items():
        times = ",".join(f"{_osm_clock(a)}-{_osm_clock(b)}" for a, b in spans)
        rules.append(f"{_osm_days(numbers)} {times}")
    if rules and holidays_closed:
        rules.append("PH off")
    return "; ".join(rules)


def _osm_days(numbers: list[int]) -> str:
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][-1] == number - 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ",".join(
        f"{DAY_KEYS[run[0]]}-{DAY_KEYS[run[-1]]}" if len(run) > 1 else DAY_KEYS[run[0]]
        for run in runs
    )


def _osm_clock(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours:02d}:{rest:02d}"
