"""Profile one page's rerun after a sidebar filter change, inside the script thread.

    python -m bench.profile views/agencies.py [--changes 3] [--html out.html]

AppTest runs the script in a thread of its own, so a profiler started from the caller only
sees it waiting. This wraps ``app.py`` in a script that starts pyinstrument in the script
thread; the last rerun's profile is printed (or written as HTML).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.rerun import APP, VALUES

WRAPPER = """
from pyinstrument import Profiler
_profiler = Profiler(interval=0.001)
_profiler.start()
try:
    exec(compile(open({app!r}).read(), {app!r}, "exec"), {{"__name__": "__main__", "__file__": {app!r}}})
finally:
    _profiler.stop()
    _report = _profiler.output_text(unicode=True) if {text!r} else _profiler.output_html()
    open({out!r}, "w").write(_report)
"""


def profile(script: str, changes: int = 3, html: str | None = None) -> str:
    out = html or tempfile.mktemp(suffix=".txt")
    # The wrapper sits next to app.py so that st.navigation resolves the page paths.
    wrapper = APP.parent / ".profile_app.py"
    wrapper.write_text(WRAPPER.format(app=str(APP), out=out, text=html is None))
    try:
        at = AppTest.from_file(str(wrapper), default_timeout=300)
        at.run()
        at.switch_page(script).run()
        for i in range(changes):
            at.multiselect(key="destination").set_value(VALUES[i % 2]).run()
    finally:
        wrapper.unlink()
    return Path(out).read_text() if html is None else out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script", help="a page script, such as views/agencies.py")
    parser.add_argument("--changes", type=int, default=3)
    parser.add_argument("--html", help="write an HTML profile here instead of printing text")
    parser.add_argument("--data-dir", help="another data folder, such as the synthetic 10,000 missions")
    args = parser.parse_args()
    if args.data_dir:
        os.environ["H2061_DATA_DIR"] = args.data_dir
    print(profile(args.script, args.changes, args.html))


if __name__ == "__main__":
    main()
