"""The section names of a shared library, to tell a stripped build from one with symbols.

    python scripts/elf_sections.py FILE            one name a line
    python scripts/elf_sections.py FILE --has .symtab   exit 0 if FILE has that section

Little-endian 64-bit ELF only (Linux on x86-64 and arm64); any other file has no sections.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path


def section_names(image: bytes) -> list[str]:
    """The section names of a little-endian 64-bit ELF image ([] for any other format)."""
    if image[:4] != b"\x7fELF" or image[4] != 2 or image[5] != 1:
        return []
    (section_table,) = struct.unpack_from("<Q", image, 0x28)
    entry_size, count, names_index = struct.unpack_from("<HHH", image, 0x3A)

    def section(index: int) -> tuple[int, int, int]:
        """(name offset, file offset, size) of one section header."""
        base = section_table + index * entry_size
        (name,) = struct.unpack_from("<I", image, base)
        offset, size = struct.unpack_from("<QQ", image, base + 0x18)
        return name, offset, size

    _, names_offset, names_size = section(names_index)
    names = image[names_offset : names_offset + names_size]
    return [names[name : names.index(b"\0", name)].decode() for name, _, _ in map(section, range(count))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--has", metavar="SECTION", help="exit 0 if the file has this section, 1 if not")
    args = parser.parse_args()
    names = section_names(args.file.read_bytes())
    if args.has:
        return 0 if args.has in names else 1
    print("\n".join(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
