"""What a PostgreSQL server's refusals mean to a desk: each told apart, each with its French message.

A desk that cannot reach its server must hear whether the server is down, its password is
wrong or its database does not exist: the IT contact fixes each differently, and none of them
calls for restoring a backup. psycopg reports every failed connection as an OperationalError
without a SQLSTATE (libpq keeps only the message), so a failed connection is told apart by its
message, in English and in French (the server speaks its own `lc_messages`, French on a French
server). A connection lost later carries a SQLSTATE (class 08, 57P01..57P03) or is marked
invalidated by SQLAlchemy.
"""

from __future__ import annotations

from sqlalchemy import make_url
from sqlalchemy.exc import DBAPIError

from passdesk.errors import EnvironmentProblem, InvalidInput
from passdesk.i18n import _
from passdesk.store.location import display_url

# Lower-cased fragments of the server's messages (English, French) for each refusal.
_LOGIN_REFUSED = (
    "password authentication failed",  # 28P01
    "authentification par mot de passe a échoué",
    "no password supplied",  # libpq: the server asks for a password, the URL has none
    "role ",  # 28000: role "x" does not exist / le rôle « x » n'existe pas
    "rôle ",
    "pg_hba.conf",  # 28000: this computer or user is not admitted
    "authentication failed",
)
_NO_DATABASE = ('database "', "la base de données « ")
_NO_DATABASE_END = ("does not exist", "n'existe pas")
_LOST_STATES = frozenset({"57P01", "57P02", "57P03"})  # shut down, crashed, starting up


def _server(url: str) -> str:
    parsed = make_url(url)
    host = parsed.host or "localhost"
    return f"{host}:{parsed.port}" if parsed.port else host


def failed_to_connect(error: DBAPIError) -> bool:
    """The error is a connection that could not be made (not an error of a statement)."""
    original = error.orig
    pgconn = getattr(original, "pgconn", None)
    if pgconn is not None and type(pgconn).__name__ == "FinishedPGconn":
        return True
    text = str(original).lower()
    return text.startswith(("connection failed", "failed to resolve host", "connection timeout"))


def connection_lost(error: DBAPIError) -> bool:
    """The server went away during the work (restarted, stopped, network cut)."""
    state = getattr(error.orig, "sqlstate", None) or ""
    return error.connection_invalidated or state.startswith("08") or state in _LOST_STATES


def connection_problem(error: DBAPIError, url: str) -> EnvironmentProblem:
    """The French message for a connection to `url` that failed or was lost."""
    text = str(error.orig).lower()
    server, database = _server(url), make_url(url).database or ""
    if any(start in text for start in _NO_DATABASE) and any(e in text for e in _NO_DATABASE_END):
        return EnvironmentProblem(
            _(
                "The database server {server} has no database named {database}. Check the "
                "address in PASSDESK_DATABASE or --database, or ask your IT contact to create "
                "it; nothing was changed."
            ).format(server=server, database=database)
        )
    if failed_to_connect(error) and any(fragment in text for fragment in _LOGIN_REFUSED):
        return EnvironmentProblem(
            _(
                "The database server {server} refused the user name or the password of the "
                "address in PASSDESK_DATABASE or --database. Check them with your IT contact; "
                "nothing was changed."
            ).format(server=server)
        )
    return EnvironmentProblem(
        _(
            "The database server {server} cannot be reached: it may be stopped, or this "
            "computer cut off from the network. Nothing was changed; try again in a moment or "
            "ask your IT contact."
        ).format(server=server)
    )


def unusable(url: str) -> EnvironmentProblem:
    """A server that answered, with a database PassDesk cannot use (damaged, or no rights)."""
    return EnvironmentProblem(
        _(
            "The database {url} answered but cannot be used by PassDesk: it may be damaged, "
            "not a PassDesk database, or its user may lack the rights on it. Nothing was "
            "changed; ask your IT contact."
        ).format(url=display_url(url))
    )


def is_nul_in_text(error: DBAPIError) -> bool:
    """psycopg refused a text holding a NUL character, which PostgreSQL cannot store."""
    return "nul (0x00)" in str(error.orig).lower()


def nul_in_text() -> InvalidInput:
    return InvalidInput(
        _(
            "The text typed holds an invisible control character (NUL) that cannot be stored: "
            "type it again, without pasting it from another program."
        )
    )


# SQLSTATEs of a statement the server refused for a reason of its own, not a bug of PassDesk's.
INSUFFICIENT_PRIVILEGE, READ_ONLY_TRANSACTION, DISK_FULL = "42501", "25006", "53100"


def refusal(error: DBAPIError, url: str, *, writing: bool) -> EnvironmentProblem | None:
    """The French message for a statement the server refused because of its own set-up (a
    right withdrawn, a database that only reads, a full disk), or None. A read-only refusal
    counts only in a unit of work: in a read snapshot it would be PassDesk's own mistake."""
    state = getattr(error.orig, "sqlstate", None)
    server = _server(url)
    if state == INSUFFICIENT_PRIVILEGE:
        return EnvironmentProblem(
            _(
                "The database server {server} refused this: the user of the address in "
                "PASSDESK_DATABASE or --database lacks a right on the desk's tables. Nothing "
                "was changed; ask your IT contact to give it back."
            ).format(server=server)
        )
    if state == READ_ONLY_TRANSACTION and writing:
        return EnvironmentProblem(
            _(
                "The database server {server} only lets this database be read right now (a "
                "read-only copy, or a database set to read-only): nothing was changed. Ask "
                "your IT contact."
            ).format(server=server)
        )
    if state == DISK_FULL:
        return EnvironmentProblem(
            _(
                "The disk of the database server {server} is full: nothing was saved and "
                "nothing is lost. Ask your IT contact to free some space on it, then try again."
            ).format(server=server)
        )
    return None
