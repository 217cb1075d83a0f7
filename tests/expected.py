"""Expected figures counted straight from the CSV files with pandas, by the definitions in
``components/metrics.py``'s docstring, so tests never grade the app with its own code."""

from __future__ import annotations

import pandas as pd

from components.data import DATA_DIR

ALL_ROWS = pd.read_csv(DATA_DIR / "missions.csv")
# A programme row is listed apart and never counted: its flights are rows of their own. A
# notional Horizon 2061 programme has no flights yet and counts as a notional mission.
_PROGRAMME = (ALL_ROWS["mission_type"] == "programme") & (ALL_ROWS["status"] != "notional")
MISSIONS = ALL_ROWS[~_PROGRAMME].reset_index(drop=True)
PROGRAMMES = ALL_ROWS[_PROGRAMME].reset_index(drop=True)
ALL_PARTICIPANTS = pd.read_csv(DATA_DIR / "mission_participants.csv")
PARTICIPANTS = ALL_PARTICIPANTS[ALL_PARTICIPANTS["mission_id"].isin(MISSIONS["mission_id"])]
