"""After editing a CSV in data/: refresh data/datapackage.json and data/README.md.

    .venv/bin/python scripts/update_datapackage.py

Writes each file's size and SHA-256 into the package (``frictionless validate`` checks them,
so a package that no longer describes its files fails the test suite) and regenerates the
dictionary sections of data/README.md from the package. Bump the package's ``version`` and add
an entry to data/CHANGELOG.md whenever a fact changes; tests/test_package.py holds the two in step.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.package import README_FILE, descriptor_text, refreshed_descriptor, render_readme, row_counts
from components.schema import PACKAGE_FILE


def main() -> int:
    package = descriptor_text(refreshed_descriptor())
    readme = render_readme(README_FILE.read_text(encoding="utf-8"), row_counts())
    changed = []
    if PACKAGE_FILE.read_text(encoding="utf-8") != package:
        PACKAGE_FILE.write_text(package, encoding="utf-8")
        changed.append("data/datapackage.json")
    if README_FILE.read_text(encoding="utf-8") != readme:
        README_FILE.write_text(readme, encoding="utf-8")
        changed.append("data/README.md")
    print("updated " + ", ".join(changed) if changed else "already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
