"""The benchmark: ``make bench`` (not part of ``make test``).

Measures, in one run and against baselines measured alongside:
- the server time of a rerun after a sidebar filter change, per page, with the shipped data
  and with a synthetic 10,000-mission copy, against a one-chart hello-world app;
- the time to load and validate the dataset, shipped and at 10,000 missions.

Every figure is a median of at least five timed runs. Results go to ``bench/results.json``
and ``bench/results.md``.

    python -m bench.run [--changes 6] [--pages Home Agencies] [--skip-synthetic]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load, rerun, synthetic  # noqa: E402

HERE = Path(__file__).resolve().parent
GOAL_SHIPPED, GOAL_SYNTHETIC = 2.0, 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=6, help="filter changes timed per page (at least 5)")
    parser.add_argument("--pages", nargs="*", default=list(rerun.PAGES), help="page names to measure")
    parser.add_argument("--skip-synthetic", action="store_true", help="leave out the 10,000-mission runs")
    args = parser.parse_args()
    changes = max(5, args.changes)

    results: dict[str, object] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "changes_per_page": changes,
    }
    baseline = rerun.hello(changes)
    print(f"hello-world rerun: {baseline * 1000:.0f} ms")
    results["hello_rerun_s"] = baseline
    results["load_s"] = {"shipped": load.load()}
    reruns: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        big = None if args.skip_synthetic else synthetic.build(Path(tmp) / "data_10k", 10_000)
        if big is not None:
            results["load_s"]["synthetic_10k"] = load.load(big)
        for name in args.pages:
            script = rerun.PAGES[name]
            row = {"shipped_s": rerun.page(script, changes)}
            if big is not None:
                row["synthetic_10k_s"] = rerun.page(script, changes, big)
            row = {**row, **{k.replace("_s", "_ratio"): v / baseline for k, v in row.items()}}
            reruns[name] = row
            print(name, {k: round(v, 3) for k, v in row.items()})
    results["rerun"] = reruns
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (HERE / "results.md").write_text(_markdown(results), encoding="utf-8")
    print("wrote bench/results.json and bench/results.md")
    return 0


def _markdown(results: dict) -> str:
    baseline = results["hello_rerun_s"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {results['when']} on {results['machine']['cpus']} CPUs, Python {results['machine']['python']}. "
        f"Each rerun figure is the median of {results['changes_per_page']} sidebar filter changes, in AppTest; "
        f"the baseline is a one-chart hello-world app measured in the same run: **{baseline * 1000:.0f} ms**.",
        "",
        f"| page | rerun, shipped data | × hello (goal ≤ {GOAL_SHIPPED:g}) | rerun, 10,000 missions "
        f"| × hello (goal ≤ {GOAL_SYNTHETIC:g}) |",
        "|---|---|---|---|---|",
    ]
    for name, row in results["rerun"].items():
        shipped = f"{row['shipped_s'] * 1000:.0f} ms | {row['shipped_ratio']:.1f}×"
        big = (
            f"{row['synthetic_10k_s'] * 1000:.0f} ms | {row['synthetic_10k_ratio']:.1f}×"
            if "synthetic_10k_s" in row
            else "– | –"
        )
        lines.append(f"| {name} | {shipped} | {big} |")
    loads = results["load_s"]
    lines += ["", "| dataset load and validation | seconds |", "|---|---|"]
    lines += [f"| {key.replace('_', ' ')} | {value:.2f} |" for key, value in loads.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
