"""Small Streamlit helpers shared by pages: headers, data problems, escaping.

Everything that shows text coming from the data goes through ``md`` so that neither
Markdown, LaTeX nor HTML in a cell can change how the page renders.
"""

from __future__ import annotations

import re

import streamlit as st

from components.data import Dataset

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """Escape a value for Streamlit Markdown (which also renders ``$…$`` as LaTeX)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def tables_ready(dataset: Dataset, *names: str) -> bool:
    """Show why a page cannot render if a table it needs is broken; True when all are fine."""
    broken = [dataset.problems[name] for name in names if name in dataset.problems]
    for problem in broken:
        st.error(
            f"**This view needs `{problem.file}`, which could not be loaded.**  \n{md(problem)}",
            icon=":material/error:",
        )
    if broken:
        st.caption("Fix the file (the message gives the row and column) and reload the page. Other pages keep working.")
    return not broken


def dataset_status(dataset: Dataset) -> None:
    """A compact status line for the sidebar, naming broken files."""
    total = len(dataset.tables) + len(dataset.problems)
    if dataset.ok:
        st.caption(f":material/check_circle: {total} data tables loaded and validated")
        return
    st.warning(
        f"{len(dataset.problems)} of {total} data tables have problems: "
        + ", ".join(f"`{p.file}`" for p in dataset.problems.values()),
        icon=":material/warning:",
    )
