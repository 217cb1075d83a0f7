"""Time to read and validate the dataset from its CSV files (``load_dataset``), uncached."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from components.data import DATA_DIR, load_dataset


def load(data_dir: Path = DATA_DIR, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        dataset = load_dataset(data_dir)
        times.append(time.perf_counter() - start)
        if dataset.problems:
            raise RuntimeError(f"{data_dir}: {dataset.problems}")
    return statistics.median(times)
