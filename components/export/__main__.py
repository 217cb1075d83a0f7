"""Export charts without the app: ``python -m components.export --format png --out DIR``.

The filters are the URL's parameters with the same values (ids or labels, comma-separated
or repeated) and the same checks: ``--destination moon --agency esa,jaxa --years 1990 2030``.
Values that a link would drop are named on stderr and dropped here too; ``--strict`` makes
them an error. By default every registered chart is written, one file per image named by
the chart's stable id (long timelines in parts); ``--charts`` picks some, ``--list`` names
them all. ``--format datapackage`` writes the dataset itself instead, the rows these filters
keep, as one ZIP (``components.package``); it needs no browser. Exit status: 0 done, 1 export
failed (no browser, a chart that could not be drawn), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from components.charts import CHARTS, CHARTS_BY_ID
from components.data import load_dataset
from components.export.bundle import bundle_name, deck_bytes, zip_bytes
from components.export.figures import LAYOUTS, plan_items
from components.export.render import FORMATS, INSTALL_HINT, ExportUnavailable, Renderer
from components.filters import PARAMS, FilterState, parse_query_params
from components.present import CUSTOM, parse_sequence, sequence_items
from components.state import resolve, view_choices

BUNDLES = ("zip", "pptx")
DATAPACKAGE = "datapackage"  # the dataset itself, not its charts (``components.package``)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit status 2, with a hint
        self.exit(2, f"{self.prog}: error: {message}\nRun with --help for every option.\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m components.export",
        description="Write the app's charts as images, a ZIP or a slide deck, for the view the filters describe.",
        epilog="Filters take the same names and values as the app's URL, e.g. "
        "--destination moon --agency ESA,JAXA --years 1990 2030 --focus giant_planets.",
    )
    p.add_argument(
        "--format",
        choices=(*FORMATS, *BUNDLES, DATAPACKAGE),
        help="png, svg, pdf (one file per image), zip or pptx; datapackage: the filtered dataset as a ZIP",
    )
    p.add_argument("--out", type=Path, help="the folder to write to (created if missing)")
    p.add_argument("--charts", action="append", default=[], metavar="ID,ID", help="chart ids (default: every chart)")
    p.add_argument("--layout", choices=tuple(LAYOUTS), default="screen", help="image size: screen or slides (16:9)")
    p.add_argument("--list", action="store_true", help="print every chart id with its title and page, then stop")
    p.add_argument("--strict", action="store_true", help="fail instead of dropping a filter value the app would drop")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    filters = p.add_argument_group("filters (the URL's parameters)")
    for key, spec in PARAMS.items():
        if not spec.cli:
            continue
        flag = f"--{key.replace('_', '-')}"
        if spec.kind == "years":
            filters.add_argument(flag, dest=key, nargs=2, metavar=("FROM", "TO"))
        elif spec.kind == "list":
            filters.add_argument(flag, dest=key, action="append", metavar="VALUE[,VALUE]")
        elif spec.kind == "flag":
            filters.add_argument(flag, dest=key, action="store_const", const="true")
        else:
            filters.add_argument(flag, dest=key, metavar="VALUE")
    return p


def _chart_ids(raw: Sequence[str], p: argparse.ArgumentParser) -> list[str] | None:
    ids = [token.strip() for value in raw for token in value.split(",") if token.strip()]
    unknown = [chart_id for chart_id in ids if chart_id not in CHARTS_BY_ID]
    if unknown:
        p.error(f"unknown chart id(s): {', '.join(unknown)} (see --list)")
    return list(dict.fromkeys(ids)) or None


def _progress(quiet: bool):
    start = time.perf_counter()

    def report(done: int, total: int, label: str) -> None:
        if quiet:
            return
        width = 24
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done >= total or not sys.stderr.isatty() else ""
        prefix = "\r" if sys.stderr.isatty() else ""
        print(f"{prefix}[{bar}] {done}/{total} {time.perf_counter() - start:5.1f} s  {label}", end=end, file=sys.stderr)

    return report


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.list:
        width = max(len(spec.chart_id) for spec in CHARTS)
        for spec in CHARTS:
            print(f"{spec.chart_id:<{width}}  {spec.title}  ({spec.page})")
        return 0
    if not args.format or not args.out:
        p.error("--format and --out are required (or --list)")
    charts = _chart_ids(args.charts, p)
    if charts and args.seq:
        p.error("--charts and --seq exclude each other: a sequence names its own charts")

    dataset = load_dataset()
    if not dataset.ok:
        broken = ", ".join(problem.file for problem in dataset.problems.values())
        print(f"warning: {broken} could not be loaded; charts that need them are left out.", file=sys.stderr)
    choices = view_choices(dataset)
    params = {}
    for key in PARAMS:
        value = getattr(args, key, None)
        if value is not None:
            params[key] = value
    parsed, notices = parse_query_params(params, choices.vocabulary)
    resolution = resolve(parsed, choices)
    notices += resolution.notices
    for notice in notices:
        print(f"ignored: {notice}", file=sys.stderr)
    if notices and args.strict:
        return _fail(f"{len(notices)} filter value(s) would be dropped (--strict)", 2)
    state = resolution.kept

    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _fail(f"cannot write to {args.out}: {exc.strerror or exc}", 2)
    if args.format == DATAPACKAGE:
        return _write_package(args.out, dataset, state, choices.vocabulary)
    progress = _progress(args.quiet)
    with Renderer() as renderer:
        if not renderer.available:
            return _fail(INSTALL_HINT, 1)
        try:
            return _export(args, dataset, state, charts, renderer, progress)
        except ExportUnavailable as exc:
            return _fail(str(exc), 1)


def _export(args, dataset, state, charts, renderer: Renderer, progress) -> int:
    deck = args.format == "pptx"
    layout = "slides" if deck else args.layout
    renderer.start()  # the browser starts while the figures are built
    if state.seq:  # a presentation sequence: each step with its own filters
        sequence, _ = parse_sequence(state.seq, view_choices(dataset).vocabulary)  # cleaned: notices told above
        items, skipped = sequence_items(sequence, dataset, layout=layout, deck=deck)
        state = FilterState(seq=state.seq)
        scope = f"sequence {sequence.seq_id}" if sequence.seq_id != CUSTOM else "sequence"
    else:
        items = plan_items(dataset, state, charts, layout=layout, deck=deck)  # built as they are drawn
        skipped = items.skipped
        scope = "selected charts" if charts else "all charts"
    for left_out in skipped:
        print(f"left out: {left_out.chart_id} ({left_out.reason})", file=sys.stderr)
    if not len(items):
        return _fail("nothing to export for these filters", 1)
    if args.format in BUNDLES:
        build = deck_bytes if deck else zip_bytes
        data = build(items, renderer, dataset=dataset, state=state, scope=scope, skipped=skipped, progress=progress)
        path = args.out / f"{bundle_name(dataset, state, scope)}.{args.format}"
        path.write_bytes(data)
        print(path)
        return 0
    queued = [(item, renderer.submit(item.figure, args.format, item.size_for(args.format))) for item in items]
    for done, (item, image) in enumerate(queued):
        progress(done, len(queued), item.file_name(args.format))
        path = args.out / item.file_name(args.format)
        path.write_bytes(image.result())
    progress(len(queued), len(queued), "done")
    for item, _ in queued:
        print(args.out / item.file_name(args.format))
    return 0


def _write_package(out: Path, dataset, state: FilterState, vocabulary) -> int:
    from components.package import package_name, package_zip

    try:
        data = package_zip(dataset, state, vocabulary)
    except ValueError as exc:
        return _fail(f"the dataset has problems, so no package is written: {exc}", 1)
    path = out / f"{package_name(state, vocabulary)}.zip"
    path.write_bytes(data)
    print(path)
    return 0


def _fail(message: str, status: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
