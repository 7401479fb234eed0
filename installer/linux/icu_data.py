"""A smaller ICU data library for the Linux bundle: Qt's ICU without the 700 languages PassDesk
does not speak.

PySide6's wheels carry libicudata.so.73, 32 MB of CLDR data for every language, script and
legacy encoding: a fifth of the bundle. Qt uses ICU for collation, case mapping and encodings;
PassDesk speaks French and English. This keeps the root, French and English bundles, every
non-language table (time zones, plurals, normalisation, character properties, the Unicode
collation table), the Windows-1252 converter and the break rules, and drops the other locales,
the CJK/Thai dictionaries, transliterators and legacy converters. The result is assembled into a
library with the same name, SONAME and symbol (`icudt73_dat`), so that libicuuc loads it as is.

Needs `icupkg` (Debian: icu-devtools), `readelf` and a C compiler; without them the spec keeps
the original library and says so. `passdesk --self-test` and the window test run on the result.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

LANGUAGES = ("fr", "en")
# A language bundle's name: "fr", "fr_CA", "sr_Latn_BA", "en_US_POSIX", "de_" (collation).
LOCALE = re.compile(r"^([a-z]{2,3})(_[A-Za-z0-9]*)*\.res$")
ALWAYS_KEPT = {"root.res", "pool.res", "res_index.res"}
KEPT_CONVERTERS = {"ibm-5348_P100-1997.cnv"}  # windows-1252; UTF-*, Latin-1, ASCII are built in


def tools_missing() -> list[str]:
    return [tool for tool in ("icupkg", "readelf", "cc") if shutil.which(tool) is None]


def kept(item: str) -> bool:
    """Whether an item of the ICU package (e.g. "coll/fr.res", "cjdict.dict") is kept."""
    name = item.rsplit("/", 1)[-1]
    folder = item.rsplit("/", 1)[0] if "/" in item else ""
    if folder == "translit" or name.endswith(".dict"):
        return False
    if name.endswith(".cnv"):
        return name in KEPT_CONVERTERS
    if name in ALWAYS_KEPT:
        return True
    match = LOCALE.match(name)
    if match is None:
        return True  # tables that are not a language: zones, plurals, break rules, UCA...
    return match.group(1) in LANGUAGES


def _symbol(library: Path) -> tuple[str, int, int]:
    """Name, file offset and size of the data symbol (icudtNN_dat) in the library."""
    symbols = subprocess.run(
        ["readelf", "-W", "--dyn-syms", str(library)], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(
        r":\s*([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+\S+\s+(icudt\d+_dat)",
        symbols,
    )
    if found is None:
        raise RuntimeError(f"no icudtNN_dat symbol in {library}")
    address, size, name = int(found.group(1), 16), int(found.group(2), 0), found.group(3)
    sections = subprocess.run(
        ["readelf", "-W", "-S", str(library)], capture_output=True, text=True, check=True
    ).stdout
    for line in sections.splitlines():
        parts = re.match(
            r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line
        )
        if parts is None:
            continue
        start, offset, length = (int(parts.group(i), 16) for i in (2, 3, 4))
        if start <= address < start + length:
            return name, offset + address - start, size
    raise RuntimeError(f"{name} lies in no section of {library}")


def trim(library: Path, output: Path) -> tuple[int, int]:
    """Write the trimmed library to `output`; returns the data's size before and after."""
    name, offset, size = _symbol(library)
    with tempfile.TemporaryDirectory(prefix="passdesk-icu-") as folder:
        work = Path(folder)
        package = work / f"{name[:-4]}l.dat"  # icudt73l.dat: "l" for little-endian
        with library.open("rb") as file:
            file.seek(offset)
            package.write_bytes(file.read(size))
        listing = subprocess.run(
            ["icupkg", "-l", str(package)], capture_output=True, text=True, check=True
        ).stdout.split()
        removed = work / "removed.txt"
        removed.write_text("\n".join(item for item in listing if not kept(item)) + "\n")
        small = work / "small" / package.name  # the file's name is the package's item prefix
        small.parent.mkdir()
        subprocess.run(
            # The root break rules name the dictionaries; ICU breaks Thai or Chinese text by rule
            # alone when they are absent.
            ["icupkg", "--ignore-deps", "-r", str(removed), str(package), str(small)],
            check=True,
            capture_output=True,
        )
        assembly = work / "data.S"
        assembly.write_text(
            "\t.section .rodata\n"
            f"\t.globl {name}\n\t.type {name}, @object\n\t.balign 16\n"
            f'{name}:\n\t.incbin "{small}"\n\t.size {name}, . - {name}\n'
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        soname = library.name
        subprocess.run(
            [
                "cc",
                "-shared",
                "-nostdlib",
                f"-Wl,-soname,{soname}",
                "-o",
                str(output),
                str(assembly),
            ],
            check=True,
        )
        return size, small.stat().st_size


if __name__ == "__main__":
    import sys

    before, after = trim(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"ICU data: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
