"""Why a password is easy to guess, read from zxcvbn's estimate, in words an agent can act on.

zxcvbn estimates how many guesses an attacker needs (dictionaries of common passwords, names,
words, dates, keyboard rows, sequences, and the person's own login and name); its English
feedback is not shown: the weakest part it found is said in French here. Composition rules
("a digit and a symbol") are left out on purpose: they make passwords harder to remember,
not to guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from passdesk.i18n import N_

# zxcvbn's score 3: about 10^8 guesses or more, "safely unguessable" against an attacker who
# can only try online (the lockout stops them after 6) and slow against one who stole the
# argon2 hashes.
MIN_SCORE = 3
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters say enough

REASONS = {
    "yours": N_("it contains your login, your name or the desk's name"),
    "common": N_("it is one of the most common passwords"),
    "names": N_("first names and surnames are easy to guess"),
    "dates": N_("dates and years are easy to guess"),
    "patterns": N_("repeats, sequences (abc, 1234) and keyboard rows (azerty) are easy to guess"),
    "word": N_("a common word with a few changes is easy to guess"),
}
_NAME_DICTIONARIES = frozenset({"surnames", "male_names", "female_names"})


@dataclass(frozen=True)
class Estimate:
    score: int  # 0 (guessed at once) .. 4 (very hard)
    reason: str | None  # a REASONS key for the weakest part found, None if nothing stands out

    @property
    def strong_enough(self) -> bool:
        return self.score >= MIN_SCORE


def estimate(password: str, user_inputs: Iterable[str] = ()) -> Estimate:
    """zxcvbn's score of `password`, and what made it weak (imported on first use: its
    dictionaries take a few tens of milliseconds to load)."""
    from zxcvbn import zxcvbn

    words = [w for text in user_inputs for w in _parts(text)]
    result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=words)
    return Estimate(int(result["score"]), _reason(result["sequence"]))


def _parts(text: str) -> list[str]:
    """A login or a name as zxcvbn should look for it: whole, and word by word."""
    text = text.strip().lower()
    pieces = [p for p in "".join(c if c.isalnum() else " " for c in text).split() if len(p) > 2]
    return [text, *pieces] if text else pieces


def _reason(sequence: list[dict[str, Any]]) -> str | None:
    found = set()
    for match in sequence:
        pattern = match.get("pattern")
        if pattern == "dictionary":
            name = match.get("dictionary_name")
            if name == "user_inputs":
                found.add("yours")
            elif name == "passwords":
                found.add("common")
            elif name in _NAME_DICTIONARIES:
                found.add("names")
            else:
                found.add("word")
        elif pattern in ("date",) or match.get("regex_name") == "recent_year":
            found.add("dates")
        elif pattern in ("repeat", "sequence", "spatial"):
            found.add("patterns")
    for key in REASONS:  # in order of what the agent should fix first
        if key in found:
            return key
    return None
