"""Expected figures counted straight from the CSV files with pandas, by the definitions in
``components/metrics.py``'s docstring, so tests never grade the app with its own code."""

from __future__ import annotations

import pandas as pd

from components.data import DATA_DIR

ALL_ROWS = pd.read_csv(DATA_DIR / "missions.csv")
# A programme row is listed apart and never counted: its flights are rows of their own.
MISSIONS = ALL_ROWS[ALL_ROWS["mission_type"] != "programme"].reset_index(drop=True)
PROGRAMMES = ALL_ROWS[ALL_ROWS["mission_type"] == "programme"].reset_index(drop=True)
ALL_PARTICIPANTS = pd.read_csv(DATA_DIR / "mission_participants.csv")
PARTICIPANTS = ALL_PARTICIPANTS[ALL_PARTICIPANTS["mission_id"].isin(MISSIONS["mission_id"])]
