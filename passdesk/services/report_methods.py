"""How each figure of a funder's report is computed, in a sentence each: printed on the PDF's
last page, the XLSX's "Méthode" sheet and the CSV export's method file."""

from __future__ import annotations

from passdesk.documents.report_record import Method
from passdesk.i18n import N_, _

METHODS: tuple[tuple[str, str], ...] = (
    (
        N_("Period"),
        N_(
            "From the first to the last day given, both included, in the desk's calendar (its "
            "computer's time zone)."
        ),
    ),
    (
        N_("Received"),
        N_("Booklets of the lots received during the period, with all their vouchers."),
    ),
    (
        N_("In stock"),
        N_(
            "Booklets in stock on the day the report is made, and the vouchers they hold that "
            "are still in stock."
        ),
    ),
    (
        N_("Handed out"),
        N_(
            "Booklets of the handouts made during the period that are not cancelled; vouchers "
            "are the booklets times the vouchers per booklet."
        ),
    ),
    (
        N_("Returned"),
        N_(
            "Booklets put back in stock during the period because their handout was cancelled "
            "the same day."
        ),
    ),
    (
        N_("Voided"),
        N_(
            "Booklets voided during the period (lost, stolen, damaged, misprinted, or handed "
            "out and cancelled on a later day), from the stock journal; vouchers voided alone "
            "count in the vouchers column only."
        ),
    ),
    (
        N_("Expired"),
        N_(
            "Booklets and vouchers that reached the end of their validity during the period, "
            "from the stock journal."
        ),
    ),
    (
        N_("Started, fully used"),
        N_(
            "Among the booklets handed out in the period, those with at least one voucher "
            "used, or all of them, as known from the usage files imported so far."
        ),
    ),
    (
        N_("Face value"),
        N_("Number of vouchers times the programme's value per voucher."),
    ),
    (
        N_("People served"),
        N_(
            "Different people who received at least one booklet in the period (cancelled "
            "handouts left out)."
        ),
    ),
    (
        N_("New people"),
        N_(
            "People served in the period who had never received a booklet of these programmes "
            "before it."
        ),
    ),
    (
        N_("Age"),
        N_("Completed years on the day of the person's first handout in the period."),
    ),
    (
        N_("Target group, commune, needs"),
        N_("As recorded on the person's file on the day the report is made."),
    ),
    (
        N_("Priority share"),
        N_(
            "Vouchers handed out in the period to people of the programme's priority groups, "
            "divided by all its vouchers handed out in the period."
        ),
    ),
    (
        N_("Funders' shares"),
        N_(
            "Each value times the funder's percentage for the programme, rounded down to the "
            "cent; the cents left go one each to the largest remainders (ties: in the "
            "programme's order of funders)."
        ),
    ),
    (
        N_("Hidden cells"),
        N_(
            "A row counting 1 to 4 people is printed \u201c< 5\u201d. So that a published total "
            "minus the other rows cannot give it back, more rows are hidden, printed "
            "\u201cs\u201d: each published total hides none of its rows, or at least two that "
            "count at least 5 people together and from which no \u201c< 5\u201d row can be "
            "worked out; where even that is not enough, the total is hidden too."
        ),
    ),
)


def methods() -> tuple[Method, ...]:
    return tuple(Method(_(figure), _(how)) for figure, how in METHODS)
