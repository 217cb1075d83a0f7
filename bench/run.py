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
  the facilitator's screen in Chromium (``bench/room.py``);
- a workshop room, steady: 25 sessions changing filters for 60 s while 40 phones answer the
  poll on its page, a person's chart and the facilitator's screen in Chromium, and the
  server's memory per session (``bench/room_load.py``);
- two replicas behind nginx with the poll on PostgreSQL, twice the room, against one replica
  (``bench/replicas.py``);
- start-up: to a healthy server, to the first page, and the app's import time
  (``bench/startup.py``).

Every figure is a median of at least five timed runs. Results go to ``bench/results.json``
and ``bench/results.md``.

    python -m bench.run [--changes 6] [--pages Home Agencies] [--skip-synthetic]
                        [--skip-browser] [--skip-burst] [--skip-export] [--skip-room] [--sessions 25]
                        [--skip-room-load] [--skip-replicas] [--skip-startup]
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
    parser.add_argument("--skip-room-load", action="store_true", help="leave out the steady workshop room")
    parser.add_argument("--skip-replicas", action="store_true", help="leave out two replicas behind nginx")
    parser.add_argument("--skip-startup", action="store_true", help="leave out the start-up and import times")
    parser.add_argument("--sessions", type=int, default=25, help="sessions in the burst and the steady room")
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
    results.update(extended(args, changes))
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (HERE / "results.md").write_text(_markdown(results), encoding="utf-8")
    print("wrote bench/results.json and bench/results.md")
    return 0


def extended(args: argparse.Namespace, changes: int) -> dict[str, object]:
    """The steady room, the replicas and the start-up, as the flags allow; each stamped with its time."""
    found: dict[str, object] = {}
    if not args.skip_room_load:
        from bench import room_load

        found["room_load"] = room_load.measure(args.sessions, changes=changes, browser=not args.skip_browser)
        print("room load", json.dumps(found["room_load"]["steady"]["filter_change_s"]), flush=True)
    if not args.skip_replicas:
        from bench import replicas

        found["replicas"] = replicas.measure(args.sessions)
        print("replicas", json.dumps(found["replicas"].get("throughput_ratio")), flush=True)
    if not args.skip_startup:
        from bench import startup

        found["startup"] = startup.measure(changes)
        print("startup", json.dumps(found["startup"]["app"]), flush=True)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    for value in found.values():
        value["when"] = stamp
    return found


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
        from bench.export import markdown

        lines += ["", *markdown(results["export"])]
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
    lines += _room_load_lines(results.get("room_load"))
    lines += _replicas_lines(results.get("replicas"))
    lines += _startup_lines(results.get("startup"))
    loads = results["load_s"]
    lines += ["", "## Dataset load and validation", "", "| data | seconds |", "|---|---|"]
    lines += [f"| {key.replace('_', ' ')} | {value:.2f} |" for key, value in loads.items()]
    return "\n".join(lines) + "\n"


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def _times(row: dict) -> str:
    return f"{_s(row['median'])} | {_s(row['p95'])} | {_s(row['max'])} | {row['n']}"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _room_load_lines(room: dict | None) -> list[str]:
    if not room:
        return []
    steady, alone, memory = room["steady"], room["single_session"], room["memory"]
    goals, answers = room["goals"], room["steady"]["answers"]
    rss = ", ".join(f"{n} → {mb:.0f} MB" for n, mb in memory["rss_mb"].items())
    lines = [
        "",
        f"## A workshop room, steady ({room['when']})",
        "",
        f"{steady['sessions']} protocol-level sessions over Home, Destinations, Cooperation, Missions and "
        f"Agencies, each changing the sidebar destination filter after exponential gaps of 10 s on average, "
        f"for {steady['duration_s']:.0f} s; meanwhile {steady['participants']} phones join the poll page "
        f"within 5 s and send answers at random within 30 s, one person changes the filter in Chromium and "
        f"the facilitator's screen is open in Chromium. Poll on {room['database']}. The single session is "
        "one session alone opening each page and changing its filter, before and after the load (medians "
        f"{alone['before_after_median_s'][0]:.2f} and {alone['before_after_median_s'][1]:.2f} s), pooled. "
        f"Load average (1 min) {room['load_avg_1min']['before']} before, {room['load_avg_1min']['after']} after.",
        "",
        "| | median | p95 | max | n |",
        "|---|---|---|---|---|",
        f"| filter change, under load | {_times(steady['filter_change_s'])} |",
        f"| filter change, single session | {_times(alone['filter_change_s'])} |",
        f"| first run, under load | {_times(steady['first_run_s'])} |",
        f"| first run, single session | {_times(alone['first_run_s'])} |",
        f"| poll submit to acknowledgement | {_times(steady['submit_ack_s'])} |",
    ]
    browser = room.get("browser")
    if browser:
        lines += [
            f"| Chromium: filter change to new chart, under load | {_times(browser['person_chart_s'])} |",
            f"| Chromium: filter change to new chart, alone | {_times(browser['person_chart_alone_s'])} |",
            f"| submit to facilitator's screen, under load | {_times(browser['submit_to_screen_s'])} |",
            f"| submit to facilitator's screen, alone | {_times(browser['submit_to_screen_alone_s'])} |",
        ]
    p95 = room["p95_ratio"]
    lines += [
        "",
        f"- Under load ÷ single session: p50 **{room['p50_ratio']}×**, p95 **{p95}×** "
        f"(goal p95 < {goals['p95_ratio']:g}×: {_met(p95 is not None and p95 < goals['p95_ratio'])}).",
    ]
    if browser:
        screen, goal = browser["submit_to_screen_s"], goals["submit_to_screen_s"]
        lines.append(
            f"- Submit to the facilitator's screen under load: p95 **{_s(screen['p95'])}**, at most "
            f"{_s(screen['max'])} (goal ≤ {goal:g} s: {_met(screen['p95'] is not None and screen['p95'] <= goal)})."
        )
    lines += [
        f"- Runs completed: {steady['runs_completed']} ({steady['reruns_per_s']} a second, of which "
        f"{steady['filter_changes_per_s']} filter changes). Dropped connections: **{steady['dropped']}**; "
        f"errors: **{len(steady['errors'])}**.",
        f"- Answers: {answers['acknowledged']} acknowledged by the page (of {answers['submitted']} sent, from "
        f"{answers['respondents_acknowledged']} phones), **{answers['written']}** in the database: "
        f"**{answers['lost']} lost**.",
        f"- Server peak RSS (process tree, sampled every 0.25 s): **{room['peak_rss_mb']:.0f} MB** "
        f"(goal < {goals['peak_rss_mb']:.0f} MB: {_met(room['peak_rss_mb'] < goals['peak_rss_mb'])}).",
        f"- Memory with sessions held open, on a fresh warm server: {rss}; **{memory['per_session_mb']:.2f} MB per "
        f"added session**, so {memory['budget_mb']:.0f} MB holds about {memory['sessions_in_budget']} sessions "
        "by memory alone (the processor gives out long before: see the times above).",
    ]
    return lines


def _replicas_lines(replicas: dict | None) -> list[str]:
    if not replicas:
        return []
    if "skipped" in replicas:
        return ["", "## Two replicas behind nginx", "", f"Not measured: {replicas['skipped']}."]
    one, two = replicas["one"], replicas["two"]

    def row(run: dict) -> str:
        split = " / ".join(str(n) for n in run["split"]["websocket_sessions"].values())
        change = run["filter_change_s"]
        peaks = " / ".join(f"{mb:.0f}" for mb in run["peak_rss_mb"])
        answers = run["answers"]
        return (
            f"| {run['replicas']} | {run['sessions']} + {run['participants']} | {run['reruns_per_s']} | "
            f"{_s(change['median'])} | {_s(change['p95'])} | {split} | {run['split']['cookies_on_two_replicas']} | "
            f"{run['dropped']} | {len(run['errors'])} | {answers['acknowledged']} / {answers['written']} | {peaks} |"
        )

    return [
        "",
        f"## Two replicas behind nginx ({replicas['when']})",
        "",
        f"The same steady workload (no Chromium) through {replicas['proxy']}, poll on {replicas['database']}: "
        "one replica with the room, then two replicas with twice the room. Every client loads its page over "
        "HTTP first and keeps the sticky cookie nginx sets. The split counts websocket sessions per replica "
        "in nginx's access log. Load average (1 min) "
        f"{replicas['load_avg_1min']['before']} before, {replicas['load_avg_1min']['after']} after.",
        "",
        "| replicas | sessions + phones | reruns/s | filter change median | p95 | sessions per replica "
        "| cookies on two replicas | dropped | errors | answers acknowledged / in PostgreSQL "
        "| peak RSS per replica (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        row(one),
        row(two),
        "",
        f"Throughput, two replicas ÷ one: **{replicas['throughput_ratio']}×**; filter-change p95: "
        f"**{replicas['p95_ratio']}×**.",
    ]


def _startup_lines(startup: dict | None) -> list[str]:
    if not startup:
        return []
    app, hello, imports = startup["app"], startup["hello"], startup["imports"]
    slowest = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in imports["slowest_s"].items())
    return [
        "",
        f"## Start-up ({startup['when']})",
        "",
        f"Medians of {startup['repeats']} runs. From `streamlit run app.py` to a 200 on `/_stcore/health`: "
        f"**{app['healthy_s']:.2f} s** (the hello-world app: {hello['healthy_s']:.2f} s; Streamlit answers "
        f"health before any script runs). To the first visitor's Home page finished on that fresh server: "
        f"**{app['first_page_s']:.2f} s**. Importing Streamlit: {imports['streamlit_s']:.2f} s; then the "
        f"{imports['modules']} modules `app.py` and the pages import: **{imports['app_modules_s']:.2f} s** "
        f"(total {imports['total_s']:.2f} s). Slowest packages (`-X importtime`, cumulative): {slowest}.",
    ]


if __name__ == "__main__":
    raise SystemExit(main())
