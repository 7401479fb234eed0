"""The places directory import: the national standard's CSV as real exports write it, previewed,
written whole or not at all, updated by id, and the orientation the receipt prints from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from passdesk import geo, opening_hours
from passdesk.errors import InvalidInput, Refused
from passdesk.services import Services
from passdesk.services.rows import Actor
from tests.unit.conftest import RawDb

DATA = Path(__file__).parents[1] / "data" / "lieux-mediation-numerique.csv"


@pytest.fixture
def located(services: Services, admin: Actor, raw: RawDb) -> Services:
    """The unit desk, placed in Villeurbanne so that places near Lyon are within its radius."""
    raw.execute("UPDATE desk SET postcode = '69100', commune = 'Villeurbanne'")
    return services


def test_the_preview_counts_new_outside_and_warnings_and_writes_nothing(
    located: Services, raw: RawDb
) -> None:
    before = raw.dump()
    plan = located.place_import.plan_import(DATA)
    assert plan.rows == 5
    assert sorted(plan.new) == sorted(
        [
            "Espace numérique Vaulx Centre",
            "Médiathèque Georges-Brassens",
            "PIMMS Vénissieux",
            "Bus numérique de l'Est lyonnais",
        ]
    )
    assert plan.outside == 1  # Paris is farther than 30 km
    assert plan.rejected == () and plan.can_apply
    assert any("Cours de cuisine" in w for w in plan.warnings)
    assert raw.dump() == before


def test_ugly_rows_are_read_bom_crlf_separators_commas_and_missing_coordinates(
    located: Services, admin: Actor
) -> None:
    located.place_import.import_places(admin, DATA)
    places = {p.external_id: p for p in located.places.list()}
    vaulx = places["lieu-001"]
    assert vaulx.services == (
        "Aide aux démarches administratives",
        "Maîtrise des outils numériques du quotidien",
    )
    assert vaulx.access == ("Se présenter", "Téléphoner")
    assert vaulx.phone == "04 72 04 01 01" and vaulx.siret == "21690256000011"
    assert vaulx.booking_url == "https://rdv.example.org/epn"
    bib = places["lieu-002"]  # services split on |, no coordinates: its commune's point
    assert bib.services == (
        "Accès internet et matériel informatique",
        "Loisirs et créations numériques",
        "Compréhension du monde numérique",
    )
    assert bib.email == "mediatheque@vb.example.org"
    assert bib.website == "https://bib.example.org"
    assert (bib.latitude, bib.longitude) == pytest.approx(geo.locate("69100", "Villeurbanne"))
    assert bib.address == "9 avenue du Général-Leclerc, 2e étage"
    pimms = places["lieu-003"]  # a decimal comma in the coordinates
    assert (pimms.latitude, pimms.longitude) == pytest.approx((45.6975, 4.8868))
    assert "lieu-004" not in places  # outside the radius


def test_a_reimport_updates_by_id_and_makes_the_missing_ones_inactive(
    located: Services, admin: Actor, tmp_path: Path
) -> None:
    located.place_import.import_places(admin, DATA)
    again = located.place_import.plan_import(DATA)
    assert again.new == () and again.changed == () and again.unchanged == 4
    text = DATA.read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    changed = [line.replace("Espace numérique Vaulx Centre", "EPN Vaulx Centre") for line in lines]
    without_bus = [line for line in changed if not line.startswith('"lieu-005"')]
    second = tmp_path / "second.csv"
    second.write_text("\r\n".join(without_bus), encoding="utf-8")
    plan = located.place_import.import_places(admin, second)
    assert plan.changed == ("EPN Vaulx Centre",)
    assert plan.gone == ("Bus numérique de l'Est lyonnais",)
    by_id = {p.external_id: p for p in located.places.list()}
    assert by_id["lieu-001"].name == "EPN Vaulx Centre"
    assert not by_id["lieu-005"].active
    # Listed again: back in the directory.
    plan = located.place_import.import_places(admin, DATA)
    assert "Bus numérique de l'Est lyonnais" in plan.changed
    assert {p.external_id: p for p in located.places.list()}["lieu-005"].active


def test_a_file_with_one_rejected_row_changes_nothing_and_says_which_and_why(
    located: Services, admin: Actor, raw: RawDb, tmp_path: Path
) -> None:
    text = DATA.read_text(encoding="utf-8-sig")
    bad = tmp_path / "bad.csv"
    # Line 3: a place near the desk with no name.
    bad.write_text(text.replace('"Médiathèque Georges-Brassens"', '""'), encoding="utf-8")
    before = raw.dump()
    plan = located.place_import.plan_import(bad)
    assert [(r.line, r.reason) for r in plan.rejected] == [(3, "le lieu lieu-002 n'a pas de nom.")]
    with pytest.raises(InvalidInput) as caught:
        located.place_import.import_places(admin, bad)
    assert "ligne 3" in caught.value.message.lower() and "nom" in caught.value.message
    assert raw.dump() == before


def test_drifting_column_names_and_semicolons_are_read(
    located: Services, admin: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "v0.csv"
    path.write_text(
        "ID;Nom;Code postal;Commune;Latitude;Longitude;Services;Modalités accès;Horaires\n"
        "x-1;Point numérique;69100;Villeurbanne;45.77;4.88;Aide aux démarches administratives;"
        "Se présenter;Mo-Fr 09:00-12:00\n",
        encoding="cp1252",
    )
    plan = located.place_import.import_places(admin, path)
    assert plan.new == ("Point numérique",)
    (place,) = located.places.list()
    assert place.access == ("Se présenter",) and place.opening_hours == "Mo-Fr 09:00-12:00"


def test_a_file_that_is_not_the_standard_is_refused_in_french(
    located: Services, tmp_path: Path
) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        located.place_import.plan_import(path)
    assert "colonne id" in caught.value.message


def test_a_desk_without_a_known_commune_cannot_keep_places_near_it(
    services: Services, admin: Actor
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.place_import.plan_import(DATA)
    assert "code postal" in caught.value.message


def test_agents_may_not_import_places(located: Services, agent: Actor, raw: RawDb) -> None:
    before = raw.dump()
    with pytest.raises(Refused):
        located.place_import.import_places(agent, DATA)
    assert raw.dump() == before


# --- orientation ------------------------------------------------------------------------------


def test_orientation_sends_each_need_to_its_nearest_place_and_names_the_unserved(
    located: Services, admin: Actor
) -> None:
    located.place_import.import_places(admin, DATA)
    chosen = located.places.orient(
        postcode="69120",
        commune="Vaulx-en-Velin",
        needs=("admin_procedures", "job_search", "security", "equipment"),
        radius_km=30,
    )
    names = [o.place.name for o in chosen.places]
    assert names[0] == "Espace numérique Vaulx Centre"  # in the person's commune
    distances = [o.distance_km for o in chosen.places]
    assert distances == sorted(distances)
    assert "Bus numérique de l'Est lyonnais" in names  # the only one for job search
    assert chosen.unserved == ()
    only = located.places.orient(postcode="69120", needs=("security",), radius_km=30)
    assert [o.place.name for o in only.places][:1] == ["PIMMS Vénissieux"]
    far = located.places.orient(postcode="75011", needs=("security",), radius_km=30)
    assert far.unserved == ("security",) and far.places == ()


def test_the_receipt_prints_hours_in_french_booking_and_unserved_needs(
    located: Services, admin: Actor, agent: Actor, person: object, programme: object, lot: object
) -> None:
    located.place_import.import_places(admin, DATA)
    person_id = person.id  # type: ignore[attr-defined]
    located.beneficiaries.update_profile(
        agent,
        person_id,
        target_group="",
        diagnostic=("admin_procedures", "security"),
        consent=True,
    )
    handout = located.handouts.hand_out(agent, person_id, next_programme="MGP19")
    record = located.receipts.build_receipt(handout.id)
    by_name = {p.name: p for p in record.places}
    vaulx = by_name["Espace numérique Vaulx Centre"]
    assert vaulx.opening_hours == "lun.–ven. 9 h 30–12 h 30, 14 h–17 h 30"
    assert vaulx.booking == "Prendre rendez-vous en ligne : https://rdv.example.org/epn"
    assert by_name["PIMMS Vénissieux"].opening_hours == "lundi au vendredi 9h-12h"  # as given
    assert record.unserved_needs == ()
    slip = located.orientation.build_slip(person_id)
    assert [p.name for p in slip.places][: len(record.places)] == [p.name for p in record.places]


def test_opening_hours_are_said_in_french_and_english_and_checked() -> None:
    assert opening_hours.describe("Mo-Fr 09:30-12:30,14:00-17:30", "fr") == (
        "lun.–ven. 9 h 30–12 h 30, 14 h–17 h 30"
    )
    assert opening_hours.describe("Mo-Fr 09:30-12:30,14:00-17:30", "en") == (
        "Mon–Fri 09:30–12:30, 14:00–17:30"
    )
    assert opening_hours.describe("Tu,Th 14:00-18:00; PH off", "fr") == (
        "mar., jeu. 14 h–18 h ; fermé les jours fériés"
    )
    assert opening_hours.describe('Mo,We,Fr 09:00-12:00 "sur rendez-vous"', "fr") == (
        "lun., mer., ven. 9 h–12 h (sur rendez-vous)"
    )
    assert opening_hours.describe("24/7", "fr") == "tous les jours, 24 h/24"
    # Seasonal or unreadable: shown as given, never an error.
    assert opening_hours.describe("Mo-Sa 10:00-18:00; Jul-Aug off") == (
        "Mo-Sa 10:00-18:00; Jul-Aug off"
    )
    assert opening_hours.describe("lundi 9h-12h") == "lundi 9h-12h"
    assert opening_hours.check("Mo-Fr 09:00-12:00") is None
    problem = opening_hours.check("Mo-Fr 9h-12h")
    assert problem is not None and "OpenStreetMap" in problem and "caractère" in problem


def test_postcodes_give_communes_and_points_offline() -> None:
    assert [c.name for c in geo.communes_for_postcode("69120")] == ["Vaulx-en-Velin"]
    assert "Lyon" in [c.name for c in geo.communes_for_postcode("69003")]
    assert geo.find_commune(commune="Vénissieux").insee == "69259"  # type: ignore[union-attr]
    lyon, vaulx = geo.locate("69003", "Lyon"), geo.locate("69120")
    assert lyon and vaulx and 5 < geo.distance_km(lyon, vaulx) < 10
    assert geo.locate("99999") is None


def test_the_shipped_commune_file_covers_france() -> None:
    shutil.os.stat(geo.paths.resource("geo", "communes.csv.gz"))  # type: ignore[attr-defined]
    assert len(geo._index().by_insee) > 34_000
