"""Derive resources/geo/communes.csv.gz (postcode; INSEE code; commune; latitude; longitude).

The window has no network, yet it must turn a postcode into communes (the person form) and a
commune into a point (the nearest places on a receipt). This script makes the small file that
answers both from the official open data, to be committed with the app:

- communes, their INSEE codes and postcodes: `@etalab/decoupage-administratif` (INSEE's Code
  officiel géographique and La Poste's postcodes, Licence Ouverte 2.0), from the npm registry;
- each commune's point: La Poste's "base officielle des codes postaux" (laposte_hexasmal.csv,
  its `coordonnees_gps` or `latitude`/`longitude` columns, ODbL 1.0 when it was copied).

    cd /tmp && npm pack @etalab/decoupage-administratif && tar xzf etalab-decoupage-*.tgz
    python tools/make_communes.py --communes /tmp/package/data/communes.json \\
        --laposte laposte_hexasmal.csv

A commune created after La Poste's file (a "commune nouvelle") takes the mean point of the
communes it merged (`anciensCodes`), Paris, Lyon and Marseille that of their arrondissements,
a commune re-established since, that of the communes sharing its postcode; what still has no
point (the uninhabited southern lands) is left out and counted.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "resources" / "geo" / "communes.csv.gz"
KEPT_TYPES = ("commune-actuelle", "arrondissement-municipal")


def laposte_points(path: Path) -> dict[str, tuple[float, float]]:
    """INSEE code -> (latitude, longitude) from La Poste's file (either of its two layouts)."""
    points: dict[str, tuple[float, float]] = {}
    with path.open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream, delimiter=";"):
            code = (row.get("Code_commune_INSEE") or row.get("#Code_commune_INSEE") or "").strip()
            if "coordonnees_gps" in row:
                parts = (row["coordonnees_gps"] or "").split(",")
            else:
                parts = [row.get("latitude") or "", row.get("longitude") or ""]
            try:
                latitude, longitude = float(parts[0]), float(parts[1])
            except (ValueError, IndexError):
                continue
            points.setdefault(code, (latitude, longitude))
    return points


def _mean(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    return (
        sum(p[0] for p in points) / len(points),
        sum(p[1] for p in points) / len(points),
    )


def rows(communes: list[dict], points: dict[str, tuple[float, float]]) -> tuple[list, list]:
    parts: dict[str, list[str]] = defaultdict(list)  # PLM commune -> its arrondissements
    sharing: dict[str, list[str]] = defaultdict(list)  # postcode -> its communes
    for commune in communes:
        if commune["type"] == "arrondissement-municipal":
            parts[commune["commune"]].append(commune["code"])
        if commune["type"] in KEPT_TYPES:
            for postcode in commune.get("codesPostaux") or ():
                sharing[postcode].append(commune["code"])
    out, missing = [], []
    for commune in communes:
        if commune["type"] not in KEPT_TYPES:
            continue
        code = commune["code"]
        point = points.get(code)
        neighbours = [c for p in commune.get("codesPostaux") or () for c in sharing[p]]
        for sources in (commune.get("anciensCodes") or [], parts.get(code, []), neighbours):
            if point is None:
                point = _mean([points[c] for c in sources if c in points])
        if point is None:
            missing.append(f"{code} {commune['nom']}")
            continue
        for postcode in commune.get("codesPostaux") or ():
            out.append((postcode, code, commune["nom"], f"{point[0]:.5f}", f"{point[1]:.5f}"))
    out.sort(key=lambda r: (r[0], r[2], r[1]))
    return out, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=Path, required=True, help="data/communes.json")
    parser.add_argument("--laposte", type=Path, required=True, help="laposte_hexasmal.csv")
    parser.add_argument("--output", type=Path, default=TARGET)
    args = parser.parse_args()
    communes = json.loads(args.communes.read_text(encoding="utf-8"))
    table, missing = rows(communes, laposte_points(args.laposte))
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\n")
    writer.writerow(("postcode", "insee", "commune", "latitude", "longitude"))
    writer.writerows(table)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same sources give the same bytes, so a rebuild shows no false change.
    with gzip.GzipFile(args.output, "wb", compresslevel=9, mtime=0) as stream:
        stream.write(text.getvalue().encode("utf-8"))
    print(f"{len(table)} rows written to {args.output}; {len(missing)} communes without a point")
    for item in missing:
        print("  no point:", item)


if __name__ == "__main__":
    main()
