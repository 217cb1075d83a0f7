"""A synthetic copy of data/ with about 10,000 missions, valid against the same schema.

Every real mission row is copied under new ids (``<id>_s<n>``) with its participants, until
the table holds ``target`` rows; carriers point at the copy made in the same round. The
result is written to a directory of your choice and never committed.

    python bench/synthetic.py /tmp/h2061_10k [--missions 10000]
"""

from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build(target_dir: Path, missions: int = 10_000) -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    for path in DATA.iterdir():
        if path.is_file():
            shutil.copy(path, target_dir / path.name)
    m_cols, m_rows = _read(DATA / "missions.csv")
    p_cols, p_rows = _read(DATA / "mission_participants.csv")
    by_mission: dict[str, list[dict[str, str]]] = {}
    for row in p_rows:
        by_mission.setdefault(row["mission_id"], []).append(row)
    out_m, out_p = list(m_rows), list(p_rows)
    copy = 0
    while len(out_m) < missions:
        copy += 1
        for row in m_rows:
            if len(out_m) >= missions:
                break
            new = dict(row, mission_id=f"{row['mission_id']}_s{copy}", name=f"{row['name']} (copy {copy})", note="")
            if row["carrier_mission_id"]:
                new["carrier_mission_id"] = f"{row['carrier_mission_id']}_s{copy}"
            out_m.append(new)
            out_p.extend(dict(p, mission_id=new["mission_id"]) for p in by_mission.get(row["mission_id"], []))
    # A copy whose carrier was not copied (the table filled up first) flies alone.
    ids = {row["mission_id"] for row in out_m}
    for row in out_m:
        if row["carrier_mission_id"] and row["carrier_mission_id"] not in ids:
            row["carrier_mission_id"] = ""
    _write(target_dir / "missions.csv", m_cols, out_m)
    _write(target_dir / "mission_participants.csv", p_cols, out_p)
    return target_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", type=Path)
    parser.add_argument("--missions", type=int, default=10_000)
    args = parser.parse_args()
    print(build(args.target, args.missions))


if __name__ == "__main__":
    main()
