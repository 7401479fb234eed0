"""`passdesk --self-test`: proof that this installation can do a desk's work, one line per step.

An IT contact runs it on a counter PC after installing (and the installer test runs it in the
frozen bundle, with no Python on PATH): it does, in a throw-away folder, what a desk does on its
first morning, through the same services as the window. A module the bundle forgot fails its step
with the module's name, which is what the person who builds the installer needs to read. Each
step line starts with `ok`, `FAIL` or `--` (not run) and the step's fixed English key, so that
scripts can read it whatever the language.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from passdesk import __version__, paths
from passdesk.i18n import _

EXIT_OK, EXIT_FAILED = 0, 1
PROGRAMME = "AUTOTEST"
# One page at this resolution is enough for a scanner-like decoder to read the bars.
PREVIEW_DPI = 150
# Libraries loaded lazily by some screen or command: imported here so that none is found missing
# by an agent, weeks later, in front of a person.
LIBRARIES = (
    "sqlalchemy",
    "alembic",
    "reportlab",
    "barcode",
    "babel",
    "platformdirs",
    "argon2",
    "stdnum",
    "polib",
)
QT_MODULES = (
    "PySide6.QtCore",
    "PySide6.QtGui",
    "PySide6.QtWidgets",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtPrintSupport",
)


class StepSkipped(Exception):
    """A step that does not apply to this installation (e.g. no decoder): not a failure."""


@dataclass
class Context:
    """What the steps hand on to each other."""

    folder: Path
    services: Any = None
    actor: Any = None
    person: Any = None
    handout: Any = None
    receipt: Path | None = None
    booklet: Path | None = None
    booklet_codes: set[str] = field(default_factory=set)
    page: Any = None


def print_services(services: Any) -> tuple[Any, Any]:
    """The receipt service and the booklet print service: the only place naming them."""
    return services.receipts, services.booklet_printing


def step_libraries(ctx: Context) -> str:
    import importlib

    for name in LIBRARIES:
        importlib.import_module(name)
    return _("{count} libraries load").format(count=len(LIBRARIES))


def step_qt(ctx: Context) -> str:
    import importlib

    for name in QT_MODULES:
        importlib.import_module(name)
    from PySide6 import __version__ as qt_version
    from PySide6.QtCore import QLibraryInfo

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    if not plugins.is_dir() or not any(plugins.iterdir()):
        raise RuntimeError(_("no Qt platform plugin in {folder}").format(folder=plugins))
    translations = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if not (translations / "qtbase_fr.qm").is_file():
        raise RuntimeError(
            _("Qt's French (qtbase_fr.qm) missing in {folder}").format(folder=translations)
        )
    return _("Qt {version}, its platform plugins and its French").format(version=qt_version)


def step_resources(ctx: Context) -> str:
    from passdesk import i18n
    from passdesk.documents.fonts import register_fonts

    french = i18n.catalogue("fr")
    if not french:
        raise RuntimeError(_("no French catalogue in {folder}").format(folder=paths.resource_dir()))
    register_fonts()
    return _("{count} French messages and the PDF fonts, from {folder}").format(
        count=len(french), folder=paths.resource_dir()
    )


def step_formatting(ctx: Context) -> str:
    from passdesk import i18n
    from passdesk.formatting import format_date, format_money

    shown = []
    for language in ("fr", "en"):
        i18n.set_language(language)
        shown.append(f"{format_money(Decimal('1234.5'))} {format_date(date(2026, 1, 5))}")
    i18n.set_language("fr")
    return " / ".join(shown)


def step_server_driver(ctx: Context) -> str:
    """The driver of desks that share a PostgreSQL server (PASSDESK_DATABASE=postgresql+psycopg://)."""
    try:
        import psycopg
    except ImportError as error:
        if is_frozen():
            raise  # an installed PassDesk must reach a server
        raise StepSkipped(
            _("no PostgreSQL driver in this source tree (pip install .[postgres])")
        ) from error
    if is_frozen() and psycopg.pq.__impl__ != "binary":
        # The bundle carries its own client library; one borrowed from the PC proves nothing.
        raise ModuleNotFoundError(name="psycopg_binary")
    version = psycopg.pq.version()
    return _("PostgreSQL driver {driver}, client library {major}.{minor}").format(
        driver=psycopg.__version__, major=version // 10000, minor=version % 10000
    )


def step_database(ctx: Context) -> str:
    from passdesk.services import open_services
    from passdesk.store.schema import HEAD, current_revision

    ctx.services = open_services(ctx.folder / "selftest.sqlite3")
    revision = current_revision(ctx.services.db)
    if revision != HEAD:
        raise RuntimeError(f"schema {revision} != {HEAD}")
    return _("temporary database created, schema {revision}").format(revision=revision)


def step_desk(ctx: Context) -> str:
    ctx.actor = ctx.services.accounts.init_desk(
        name="Autotest",
        admin_login="autotest",
        admin_password="autotest-passdesk",
        siret="21872732900201",  # checked by python-stdnum
    )
    ctx.services.accounts.authenticate("autotest", "autotest-passdesk")
    return _("desk and administrator created, password checked")


def step_stock(ctx: Context) -> str:
    services, actor = ctx.services, ctx.actor
    services.programmes.add(
        actor,
        code=PROGRAMME,
        name="Autotest",
        face_value="10",
        vouchers_per_booklet=10,
        valid_from=date(2020, 1, 1),
        valid_until=date(2099, 12, 31),
        funders=[("Autotest", Decimal("100"))],
    )
    # Booklet 1 delivered printed (handed out below), booklet 2 to print here (printed below).
    lot = services.stock.receive(actor, programme_code=PROGRAMME, first_booklet=1, count=1)
    site = services.stock.receive(
        actor, programme_code=PROGRAMME, first_booklet=2, count=1, kind="print_on_site"
    )
    return _("booklets {first} to {last} received").format(
        first=lot.first_code, last=site.last_code
    )


def step_person(ctx: Context) -> str:
    from passdesk.services.beneficiaries import BeneficiaryInput

    ctx.person = ctx.services.beneficiaries.register(
        ctx.actor,
        BeneficiaryInput("Autotest", "Hélène", date(1980, 5, 4), postcode="69003", consent=True),
    )
    return _("person registered")


def step_handout(ctx: Context) -> str:
    ctx.handout = ctx.services.handouts.hand_out(ctx.actor, ctx.person.id, next_programme=PROGRAMME)
    codes = [b.booklet_code for b in ctx.handout.booklets]
    return _("booklet {code} handed out, receipt {number}").format(
        code=", ".join(codes), number=ctx.handout.receipt_number
    )


def _check_pdf(path: Path) -> None:
    with path.open("rb") as file:
        if file.read(5) != b"%PDF-":
            raise RuntimeError(f"{path} is not a PDF")


def step_receipt(ctx: Context) -> str:
    receipts, _booklets = print_services(ctx.services)
    ctx.receipt = receipts.write_receipt(ctx.handout.id, ctx.folder / "receipt.pdf")
    _check_pdf(ctx.receipt)
    return _("receipt rendered ({size} bytes)").format(size=ctx.receipt.stat().st_size)


def step_booklet(ctx: Context) -> str:
    from passdesk import codes

    _receipts, booklets = print_services(ctx.services)
    path = ctx.folder / "booklet.pdf"
    result = booklets.print_booklets(
        ctx.actor, programme_code=PROGRAMME, from_booklet=2, count=1, path=path
    )
    _check_pdf(path)
    ctx.booklet = path
    ctx.booklet_codes = {codes.booklet_code(PROGRAMME, 2)}
    return _("booklet printed ({pages} pages)").format(pages=result.pages)


def step_preview(ctx: Context) -> str:
    """Render the booklet's cover with QtPdf, as the window's receipt preview does."""
    from PySide6.QtCore import QSize
    from PySide6.QtPdf import QPdfDocument

    assert ctx.booklet is not None
    document = QPdfDocument(None)
    document.load(str(ctx.booklet))
    if document.status() != QPdfDocument.Status.Ready:
        raise RuntimeError(f"QtPdf could not read {ctx.booklet}: {document.error()}")
    points = document.pagePointSize(0)
    size = QSize(
        round(points.width() * PREVIEW_DPI / 72), round(points.height() * PREVIEW_DPI / 72)
    )
    ctx.page = document.render(0, size)
    if ctx.page.isNull():
        raise RuntimeError("QtPdf rendered an empty page")
    return _("cover shown by QtPdf ({width} x {height} px)").format(
        width=size.width(), height=size.height()
    )


def step_decode(ctx: Context) -> str:
    try:
        import zxingcpp
    except ImportError as error:
        raise StepSkipped(_("no barcode decoder in this installation (not needed)")) from error
    from PIL import Image
    from PySide6.QtGui import QImage

    page = ctx.page.convertToFormat(QImage.Format.Format_RGBA8888)
    size = (page.width(), page.height())
    drawn = Image.frombuffer(
        "RGBA", size, bytes(page.constBits()), "raw", "RGBA", page.bytesPerLine(), 1
    )
    paper = Image.alpha_composite(Image.new("RGBA", size, "white"), drawn).convert("L")
    found = {b.text for b in zxingcpp.read_barcodes(paper)}
    if not found & ctx.booklet_codes:
        raise RuntimeError(f"decoded {sorted(found)}, expected {sorted(ctx.booklet_codes)}")
    return _("barcode {code} read back from the cover").format(
        code=sorted(found & ctx.booklet_codes)[0]
    )


def step_demo(ctx: Context) -> str:
    """The first-run assistant's demonstration desk (Faker's French data), in its own file."""
    from passdesk import demo
    from passdesk.services import open_services

    services = open_services(ctx.folder / "demo.sqlite3")
    try:
        summary = demo.build(services, scale="small")
    finally:
        services.close()
    return _("demonstration desk built ({people} people, {handouts} handouts)").format(
        people=summary.beneficiaries, handouts=summary.handouts
    )


def child_probe(marker: str, *, progress: Callable[[int, int], None], cancel: Any) -> str:
    """Runs in the child process of step_jobs (module level, so that it can be pickled)."""
    progress(1, 1)
    return f"{marker}:{os.getpid()}"


class _Unattended:
    """The window's progress bar and Cancel button, for a job nobody watches."""

    def progress(self, done: int, total: int) -> None:
        pass

    def cancelled(self) -> bool:
        return False


def step_jobs(ctx: Context) -> str:
    """A batch print from the window runs in a child process: the frozen program must be able
    to start itself as one (multiprocessing's spawn, freeze_support in app.main)."""
    from passdesk.jobs import in_subprocess

    answer = in_subprocess(child_probe, "selftest")(_Unattended())
    marker, pid = str(answer).split(":")
    if marker != "selftest" or int(pid) == os.getpid():
        raise RuntimeError(f"unexpected answer from the child process: {answer!r}")
    return _("work runs in a child process, as a batch print does")


STEPS: tuple[tuple[str, Callable[[Context], str]], ...] = (
    ("libraries", step_libraries),
    ("qt", step_qt),
    ("resources", step_resources),
    ("formatting", step_formatting),
    ("server", step_server_driver),
    ("database", step_database),
    ("desk", step_desk),
    ("stock", step_stock),
    ("person", step_person),
    ("handout", step_handout),
    ("receipt", step_receipt),
    ("booklet", step_booklet),
    ("preview", step_preview),
    ("decode", step_decode),
    ("jobs", step_jobs),
    ("demo", step_demo),
)


def describe_failure(error: BaseException) -> str:
    """The missing module's name when a module is missing anywhere in the chain of causes."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ImportError):
            return _("module {name} missing from this installation").format(
                name=seen.name or str(seen)
            )
        seen = seen.__cause__ or seen.__context__
    return f"{type(error).__name__}: {error}"


@contextmanager
def _throwaway_home() -> Iterator[Path]:
    """Data, logs and backups of the test go to a temporary folder, removed at the end."""
    with tempfile.TemporaryDirectory(prefix="passdesk-selftest-") as folder:
        home = Path(folder) / "home"
        before = os.environ.get("PASSDESK_HOME")
        paths.set_base_dir(home)
        os.environ["PASSDESK_HOME"] = str(home)  # child processes log there too
        try:
            yield Path(folder)
        finally:
            paths.set_base_dir(None)
            if before is None:
                os.environ.pop("PASSDESK_HOME", None)
            else:
                os.environ["PASSDESK_HOME"] = before


def run(out: TextIO | None = None) -> int:
    """Every step in order; stops at the first failure (the next steps depend on it)."""
    stream = out if out is not None else sys.stdout
    if stream is None:  # a windowed executable started without a console: nowhere to print
        return _run_into_log_file()
    if out is None and hasattr(stream, "reconfigure"):
        # A Windows console's code page lacks Babel's narrow no-break space ("1 234,50 €").
        stream.reconfigure(errors="replace")
    kind = _("installed bundle") if is_frozen() else _("source tree")
    print(
        _("PassDesk {version}: self-test of the {kind}").format(version=__version__, kind=kind),
        file=stream,
    )
    failed = False
    with _throwaway_home() as folder:
        ctx = Context(folder=folder)
        try:
            for key, step in STEPS:
                if failed:
                    print(f"--   {key:<11} " + _("not run"), file=stream)
                    continue
                try:
                    detail = step(ctx)
                except StepSkipped as skipped:
                    print(f"ok   {key:<11} " + _("skipped: {why}").format(why=skipped), file=stream)
                except Exception as error:  # noqa: BLE001 - every failure is the report's content
                    failed = True
                    print(f"FAIL {key:<11} {describe_failure(error)}", file=stream)
                else:
                    print(f"ok   {key:<11} {detail}", file=stream)
                stream.flush()
        finally:
            if ctx.services is not None:
                ctx.services.close()
    print(_("Self-test failed.") if failed else _("Self-test passed."), file=stream)
    return EXIT_FAILED if failed else EXIT_OK


def _run_into_log_file() -> int:
    path = paths.log_dir() / "self-test.txt"
    with path.open("w", encoding="utf-8") as file:
        return run(file)


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))
