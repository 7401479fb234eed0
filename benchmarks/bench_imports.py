"""Issue 11's imports at the national scale: a usage file of 1,000,000 rows, a places file of
20,000 rows.

    .venv/bin/python -m benchmarks.bench_imports [--db PATH] [--rebuild]

The usage file is made from the national demo database (every voucher handed out used once at
one of the desk's places, plus rows for each anomaly kind, to 1,000,000 rows) and imported on a
throw-away copy in a child process, whose wall time, own CPU time and peak memory (ru_maxrss)
are reported; the bare baseline is reading the same file with the csv module and hashing it.
The places file (20,000 rows over France, a few hundred near the desk, some with no
coordinates) is imported into an empty desk; its baseline is reading it with the csv module.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import (
    OUT,
    ROOT,
    Figure,
    arguments,
    load,
    machine,
    national_database,
    save_results,
    table,
    working_copy,
)

USAGE_ROWS = 1_000_000
USAGE_S, USAGE_MB = 30.0, 300.0
PLACES_ROWS = 20_000
PLACES_S = 5.0

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from passdesk.services import open_services
services = open_services(sys.argv[1])
actor = services.accounts.actor("admin")
wall, cpu = time.perf_counter(), time.process_time()
result = services.usage.import_file(actor, Path(sys.argv[2]))
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"wall": wall, "cpu": cpu, "rows": result.rows, "applied": result.applied,
                  "anomalies": result.counts,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def make_usage_file(database: Path, target: Path) -> int:
    """Every handed-out voucher used once, then anomalies, to USAGE_ROWS rows."""
    connection = sqlite3.connect(database)
    places = [str(i) for (i,) in connection.execute("SELECT id FROM place")]
    handed = [
        c for (c,) in connection.execute("SELECT code FROM voucher WHERE status = 'handed_out'")
    ]
    stock = [c for (c,) in connection.execute("SELECT code FROM voucher WHERE status = 'in_stock'")]
    connection.close()
    rng = random.Random(11)
    rows = 0
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(("code", "date", "lieu", "montant"))
        for index, code in enumerate(handed):
            if rows >= USAGE_ROWS:
                break
            shown = code.replace("-", "") if index % 2 else code
            writer.writerow((shown, "30/11/2026", rng.choice(places), "10,00"))
            rows += 1
        kinds = ("stock", "twice", "amount", "place", "unknown")
        while rows < USAGE_ROWS:
            kind = kinds[rows % len(kinds)]
            if kind == "stock":
                writer.writerow((rng.choice(stock), "2026-11-30", places[0], "10"))
            elif kind == "twice":
                writer.writerow((rng.choice(handed), "2026-11-30", places[0], "10"))
            elif kind == "amount":
                writer.writerow((rng.choice(handed), "2026-11-30", places[0], "20"))
            elif kind == "place":
                writer.writerow((rng.choice(handed), "2026-11-30", "999999", "10"))
            else:
                writer.writerow(("PN19-9999999-00", "2026-11-30", places[0], "10"))
            rows += 1
    return rows


def bare_read(path: Path) -> float:
    """Seconds to hash the file and read it with the csv module: the floor of any import."""
    start = time.process_time()
    hashlib.sha256(path.read_bytes()).hexdigest()
    with path.open(encoding="utf-8", newline="") as stream:
        for _row in csv.reader(stream, delimiter=";"):
            pass
    return time.process_time() - start


def usage_figures(database: Path) -> list[Figure]:
    path = OUT / "usage-1m.csv"
    if not path.exists():
        _say("Writing the usage file of 1,000,000 rows ...")
        make_usage_file(database, path)
    baseline = bare_read(path)
    with working_copy(database, "bench-usage") as copy:
        _say("Importing it (child process) ...")
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(copy), str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    _say(json.dumps(figures))
    note = f"{figures['applied']:,} applied, {sum(figures['anomalies'].values()):,} anomalies"
    return [
        Figure("usage file, 1,000,000 rows: wall", figures["wall"], "s", USAGE_S,
               cpu=figures["cpu"], baseline=baseline, baseline_label="csv read + SHA-256",
               note=note),
        Figure("usage file, 1,000,000 rows: peak memory", figures["rss_mb"], "MB", USAGE_MB),
    ]  # fmt: skip


def make_places_file(target: Path) -> None:
    rng = random.Random(20)
    header = ("id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
              "latitude", "longitude", "telephone", "courriels", "site_web", "horaires",
              "services", "modalites_acces", "date_maj")  # fmt: skip
    services = ("Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien",
                "Insertion professionnelle via le numérique")  # fmt: skip
    with target.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        for n in range(PLACES_ROWS):
            near = n % 40 == 0  # about 500 near Lyon, the rest over France
            lat = 45.76 + rng.uniform(-0.2, 0.2) if near else rng.uniform(43.0, 50.5)
            lon = 4.85 + rng.uniform(-0.3, 0.3) if near else rng.uniform(-1.5, 7.5)
            coords = ("", "") if n % 17 == 0 else (f"{lat:.5f}", f"{lon:.5f}")
            writer.writerow((f"lieu-{n}", "", f"Lieu numérique {n}", "Villeurbanne", "69100",
                             "69266", f"{n} rue de la République", *coords, "+33472000000",
                             "a@example.org", "", "Mo-Fr 09:00-12:00,14:00-17:00",
                             "|".join(rng.sample(services, 2)), "Se présenter;Téléphoner",
                             "2026-06-01"))  # fmt: skip


def places_figures() -> list[Figure]:
    from passdesk.services import open_services

    path = OUT / "places-20k.csv"
    make_places_file(path)
    database = OUT / "bench-places.sqlite3"
    database.unlink(missing_ok=True)
    services = open_services(database)
    admin = services.accounts.init_desk(name="Mairie", postcode="69100", commune="Villeurbanne")
    start = time.process_time()
    with path.open(encoding="utf-8-sig", newline="") as stream:
        for _row in csv.reader(stream):
            pass
    baseline = time.process_time() - start
    wall, cpu = time.perf_counter(), time.process_time()
    plan = services.place_import.import_places(admin, path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    services.close()
    database.unlink(missing_ok=True)
    note = f"{len(plan.new)} kept within {plan.radius_km} km, {plan.outside} outside"
    return [
        Figure("places file, 20,000 rows: import", wall, "s", PLACES_S, cpu=cpu,
               baseline=baseline, baseline_label="csv read", note=note)
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    args = arguments(__doc__.splitlines()[0], argv)
    info = national_database(args.db, rebuild=args.rebuild)
    context = {"machine": machine(), "load_before": load()}
    figures = places_figures() + usage_figures(Path(info.path))
    context["load_after"] = load()
    print(table(figures))
    print(f"\nload {context['load_before']} -> {context['load_after']}")
    save_results("imports", figures, context)


if __name__ == "__main__":
    main()
