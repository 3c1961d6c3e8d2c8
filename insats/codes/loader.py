"""Loads the code lists from the CSV files shipped with the app (used by the data migration)."""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

FILES = {
    "ClosureReason": "closure_reasons.csv",
    "ReferralSource": "referral_sources.csv",
    "IncomeSource": "income_sources.csv",
    "MeasureCategory": "measure_categories.csv",
    "FollowupStatus": "followup_statuses.csv",
    "YouthStatus": "youth_statuses.csv",
}
BOOLEAN_COLUMNS = {"valid", "offered", "accepted", "started"}


def read_rows(model_name: str) -> list[dict]:
    with open(DATA_DIR / FILES[model_name], encoding="utf-8-sig", newline="") as f:
        rows = []
        for order, row in enumerate(csv.DictReader(f)):
            row = {k: (v == "1" if k in BOOLEAN_COLUMNS else v) for k, v in row.items()}
            row["sort_order"] = order
            rows.append(row)
        return rows


def load_all(apps) -> None:
    for model_name in FILES:
        model = apps.get_model("codes", model_name)
        for row in read_rows(model_name):
            code = row.pop("code")
            model.objects.update_or_create(code=code, defaults=row)
