"""The benchmark: ``make bench`` (not part of ``make test``).

Measures, in one run and against baselines measured alongside:
- the server time of a rerun after a sidebar filter change, per page, for a view never shown
  before and for a revisited one, with the shipped data and with a synthetic 10,000-mission
  copy, against a one-chart hello-world app (``bench/rerun.py``);
- the time to the first chart per page in headless Chromium against a real ``streamlit run``
  server, against the hello-world app served the same way (``bench/first_chart.py``);
- a burst of 25 protocol-level sessions opening the app in the same second, with a 20 s
  websocket keepalive: dropped connections and run times (``bench/burst.py``);
- the time to load and validate the dataset, shipped and at 10,000 missions;
- image export: the browser's cold start, a warm PNG, SVG and PDF, the app's whole slide
  deck and ZIP (``bench/export.py``);
- the room poll: answers a second from 40 writers on SQLite, and the time from a submit to
  the facilitator's screen in Chromium (``bench/room.py``).

Every figure is a median of at least five timed runs. Results go to ``bench/results.json``
and ``bench/results.md``.

    python -m bench.run [--changes 6] [--pages Home Agencies] [--skip-synthetic]
                        [--skip-browser] [--skip-burst] [--skip-export] [--skip-room] [--sessions 25]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load, rerun, synthetic  # noqa: E402

HERE = Path(__file__).resolve().parent
GOAL_SHIPPED, GOAL_SYNTHETIC, GOAL_FIRST_CHART, GOAL_BURST_P95_S = 2.0, 5.0, 1.25, 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=6, help="filter changes timed per page (at least 5)")
    parser.add_argument("--pages", nargs="*", default=list(rerun.PAGES), help="page names to measure")
    parser.add_argument("--skip-synthetic", action="store_true", help="leave out the 10,000-mission runs")
    parser.add_argument("--skip-browser", action="store_true", help="leave out the first-chart runs in Chromium")
    parser.add_argument("--skip-burst", action="store_true", help="leave out the burst of sessions")
    parser.add_argument("--skip-export", action="store_true", help="leave out the image export times")
    parser.add_argument("--skip-room", action="store_true", help="leave out the room poll's figures")
    parser.add_argument("--sessions", type=int, default=25, help="sessions in the burst")
    args = parser.parse_args()
    changes = max(5, args.changes)

    results: dict[str, object] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "changes_per_page": changes,
    }
    # The baseline is timed before and after the pages, and its median taken over both: the
    # hello-world rerun is short enough that the machine's load moves it by tens of percent.
    hello_before = rerun.hello_times(changes)
    baseline = statistics.median(hello_before)  # provisional, for the ratios printed as pages go
    results["load_s"] = {"shipped": load.load()}
    reruns: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        big = None if args.skip_synthetic else synthetic.build(Path(tmp) / "data_10k", 10_000)
        if big is not None:
            results["load_s"]["synthetic_10k"] = load.load(big)
        for name in args.pages:
            script = rerun.PAGES[name]
            row = {
                "new_s": rerun.page(script, changes, new_views=True),
                "revisited_s": rerun.page(script, changes),
            }
            if big is not None:
                row["new_10k_s"] = rerun.page(script, changes, big, new_views=True)
                row["revisited_10k_s"] = rerun.page(script, changes, big)
            row = {**row, **{k.replace("_s", "_ratio"): v / baseline for k, v in row.items()}}
            reruns[name] = row
            print(name, {k: round(v, 3) for k, v in row.items()}, flush=True)
    hello_after = rerun.hello_times(changes)
    baseline = statistics.median(hello_before + hello_after)
    for row in reruns.values():
        row.update({k.replace("_s", "_ratio"): v / baseline for k, v in row.items() if k.endswith("_s")})
    results["hello_rerun_s"] = baseline
    results["hello_rerun_before_after_s"] = [statistics.median(hello_before), statistics.median(hello_after)]
    print(f"hello-world rerun: {baseline * 1000:.0f} ms", flush=True)
    results["rerun"] = reruns
    if not args.skip_browser:
        from bench import first_chart

        results["first_chart"] = first_chart.measure(args.pages)
        print("first chart", json.dumps(results["first_chart"]["ratio"]), flush=True)
    if not args.skip_burst:
        from bench import burst

        results["burst"] = burst.measure(args.sessions)
        print("burst", json.dumps({k: results["burst"][k] for k in ("dropped", "first_run_s")}), flush=True)
    if not args.skip_export:
        from bench import export

        results["export"] = export.measure()
        print("export", json.dumps(results["export"]), flush=True)
    if not args.skip_room:
        from bench import room

        results["room"] = room.measure()
        print("room", json.dumps(results["room"]), flush=True)
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (HERE / "results.md").write_text(_markdown(results), encoding="utf-8")
    print("wrote bench/results.json and bench/results.md")
    return 0


def _cell(row: dict, key: str) -> str:
    if f"{key}_s" not in row:
        return "– | –"
    return f"{row[f'{key}_s'] * 1000:.0f} ms | {row[f'{key}_ratio']:.1f}×"


def _markdown(results: dict) -> str:
    baseline = results["hello_rerun_s"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {results['when']} on {results['machine']['cpus']} CPUs, Python {results['machine']['python']}.",
        "",
        "## Rerun after a sidebar filter change",
        "",
        f"Median of {results['changes_per_page']} changes per page, in AppTest. The baseline is a one-chart "
        f"hello-world app measured in the same run, before and after the pages: **{baseline * 1000:.0f} ms** "
        f"(medians {results['hello_rerun_before_after_s'][0] * 1000:.0f} and "
        f"{results['hello_rerun_before_after_s'][1] * 1000:.0f} ms). A *new view* is a destination "
        "selection never shown before (everything is built); a *revisited view* alternates two selections "
        "(figures and tables come from the shared caches).",
        "",
        f"| page | new view | × hello (goal ≤ {GOAL_SHIPPED:g}) | revisited | × hello "
        f"| new, 10,000 missions | × hello (goal ≤ {GOAL_SYNTHETIC:g}) | revisited, 10,000 | × hello |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in results["rerun"].items():
        cells = " | ".join(_cell(row, key) for key in ("new", "revisited", "new_10k", "revisited_10k"))
        lines.append(f"| {name} | {cells} |")
    if "first_chart" in results:
        first = results["first_chart"]
        lines += [
            "",
            "## First chart in headless Chromium",
            "",
            f"Median of {first['repeats']} loads per page in a fresh browser context, against a warm "
            f"`streamlit run` server; the hello-world app served the same way: **{first['hello_s']:.2f} s**.",
            "",
            f"| page | first chart | × hello (goal ≤ {GOAL_FIRST_CHART:g}) |",
            "|---|---|---|",
        ]
        lines += [f"| {name} | {s:.2f} s | {first['ratio'][name]:.2f}× |" for name, s in first["pages"].items()]
    if "burst" in results:
        burst = results["burst"]
        first_run, change = burst["first_run_s"], burst["filter_change_s"]
        lines += [
            "",
            f"## A burst of {burst['sessions']} sessions in the same second",
            "",
            f"Protocol-level clients (Streamlit's BackMsg/ForwardMsg over `/_stcore/stream`, "
            f"{burst['keepalive_s']} s websocket keepalive), half on Home and half on Agencies, each then "
            f"changing the destination filter. Goal: no dropped connection, p95 within {GOAL_BURST_P95_S:g} s.",
            "",
            "| | median | p95 | max |",
            "|---|---|---|---|",
            f"| first run | {first_run['median']:.2f} s | {first_run['p95']:.2f} s | {first_run['max']:.2f} s |",
            f"| after a filter change | {change['median']:.2f} s | {change['p95']:.2f} s | {change['max']:.2f} s |",
            "",
            f"Dropped connections: **{burst['dropped']}** of {burst['sessions']}.",
        ]
    if "export" in results and "cold_s" in results["export"]:
        export = results["export"]
        warm = export["warm_s"]
        lines += [
            "",
            "## Image export",
            "",
            f"kaleido on one Chromium. Cold start (the first image): **{export['cold_s']:.2f} s**. Warm, median "
            f"over the {export['charts']} charts' first image: PNG {warm['png']:.2f} s, SVG {warm['svg']:.2f} s, "
            f"PDF {warm['pdf']:.2f} s. Building the {export['images']} figures of every chart (long timelines "
            f"in parts): {export['build_figures_s']:.1f} s.",
            "",
            "| every chart in the app | items | seconds | size |",
            "|---|---|---|---|",
            f"| slide deck (PPTX) | {export['deck']['slides']} slides | {export['deck']['seconds']:.1f} s "
            f"| {export['deck']['megabytes']:.1f} MB |",
            f"| ZIP of PNG and SVG | {export['zip']['files']} files | {export['zip']['seconds']:.1f} s "
            f"| {export['zip']['megabytes']:.1f} MB |",
        ]
    if "room" in results:
        writes, screen = results["room"]["writes"], results["room"]["submit_to_screen"]
        lines += [
            "",
            "## The room poll",
            "",
            f"{writes['writers']} threads answering at one barrier into one room on SQLite (WAL): "
            f"**{writes['median_per_s']:.0f} answers a second** (median of five rounds of {writes['answers']}; "
            "every answer counted). From a participant's submit to the facilitator's screen in Chromium, "
            f"with the live refresh every 3 s and no reload: **{screen['median_s']:.2f} s** median, "
            f"{screen['max_s']:.2f} s at most, over {screen['repeats']} submits.",
        ]
    loads = results["load_s"]
    lines += ["", "## Dataset load and validation", "", "| data | seconds |", "|---|---|"]
    lines += [f"| {key.replace('_', ' ')} | {value:.2f} |" for key, value in loads.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
