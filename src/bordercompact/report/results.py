"""A finished run directory as the report reads it: each file read once, on demand,
any of them possibly missing (a run may stop before the later stages), and the facts of
the region the files agree on (its name, currency, parties)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import geopandas as gpd
import pandas as pd

T = TypeVar("T")
#: The scenario every risk run computes; the others are futures.
PRESENT = "present"
#: The party column's value for the sum over parties.
TOTAL = "total"
#: Each stage and the file whose presence says the run included it.
STAGE_FILES = {
    "harmonize": "layers/boundary.parquet",
    "risk": "risk/summary.csv",
    "equity": "equity/zones.parquet",
    "appraisal": "appraisal/appraisal.csv",
    "negotiation": "negotiation/deal.json",
    "finance": "finance/schedule.csv",
    "compact": "compact/checks.json",
}


class RunResults:
    """The files of one run directory; every reader returns None for a missing file and
    remembers which files it read (the report's inputs)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"{self.root}: no such run directory")
        self.read: set[Path] = set()
        self._cache: dict[str, Any] = {}
        self._derived: dict[str, Any] = {}

    def has(self, relative: str) -> bool:
        return (self.root / relative).is_file()

    def has_stage(self, stage: str) -> bool:
        return self.has(STAGE_FILES[stage])

    def csv(self, relative: str) -> pd.DataFrame | None:
        return self._load(relative, lambda p: pd.read_csv(p, keep_default_na=True))

    def json(self, relative: str) -> Any:
        return self._load(relative, lambda p: json.loads(p.read_text(encoding="utf-8")))

    def text(self, relative: str) -> str | None:
        return self._load(relative, lambda p: p.read_text(encoding="utf-8"))

    def parquet(self, relative: str) -> pd.DataFrame | None:
        return self._load(relative, pd.read_parquet)

    def geo(self, relative: str) -> gpd.GeoDataFrame | None:
        return self._load(relative, gpd.read_parquet)

    def layer(self, name: str) -> gpd.GeoDataFrame | None:
        """A harmonized layer (``layers/<name>.parquet``)."""
        return self.geo(f"layers/{name}.parquet")

    def files(self, folder: str) -> list[str]:
        """The files under ``folder`` (paths relative to the run dir), sorted."""
        base = self.root / folder
        if not base.is_dir():
            return []
        return sorted(str(p.relative_to(self.root)) for p in base.rglob("*") if p.is_file())

    def derived(self, key: str, compute: Callable[[], T]) -> T:
        """What ``compute`` makes of the run's files, computed once (every language's
        page draws on the same numbers)."""
        if key not in self._derived:
            self._derived[key] = compute()
        return cast(T, self._derived[key])

    def _load(self, relative: str, reader: Any) -> Any:
        if relative not in self._cache:
            path = self.root / relative
            found = None
            if path.is_file():
                found = reader(path)
                self.read.add(path)
            self._cache[relative] = found
        return self._cache[relative]

    # The region's facts ------------------------------------------------------------

    @property
    def settings(self) -> dict[str, Any]:
        """The region's settings as the harmonization log records them."""
        log = self.json("harmonization_log.json") or {}
        return dict(log.get("settings") or {})

    @property
    def region_name(self) -> str:
        for document in ("harmonization_log.json", "risk/metrics.json", "compact/compact.json"):
            name = (self.json(document) or {}).get("region")
            if name:
                return str(name)
        return self.root.name

    @property
    def currency(self) -> str:
        """The region's currency (money of the risk, appraisal and negotiation)."""
        found = self.settings.get("currency") or (self.json("risk/metrics.json") or {}).get(
            "currency"
        )
        return str(found or "USD")

    @property
    def price_year(self) -> int | None:
        found = self.settings.get("price_year") or (self.json("risk/metrics.json") or {}).get(
            "price_year"
        )
        return int(found) if found else None

    @property
    def crs(self) -> str | None:
        return self.settings.get("crs")

    @property
    def border_tolerance(self) -> float:
        """Distance (CRS units) within which two parties' boundaries count as one border."""
        return float(self.settings.get("border_tolerance_m") or 0.0)

    @property
    def parties(self) -> list[str]:
        """Every party of the run, in the order the run's tables give them."""
        found: list[str] = []
        compact = self.json("compact/compact.json")
        if compact:
            found += [p["id"] for p in compact.get("parties", [])]
        summary = self.csv("risk/summary.csv")
        if summary is not None:
            found += [str(p) for p in summary["party"] if p != TOTAL]
        boundary = self.layer("boundary")
        if boundary is not None:
            found += [str(p) for p in boundary["party"].dropna()]
        deal = self.json("negotiation/deal.json")
        if deal:
            found += list(deal.get("players", []))
        return list(dict.fromkeys(found))

    def party_name(self, party: str, language: str) -> str:
        """The party's name in ``language`` (from the compact), else its id."""
        for record in (self.json("compact/compact.json") or {}).get("parties", []):
            if record["id"] == party:
                names = record.get("name") or {}
                return str(names.get(language) or names.get("en") or party)
        return party

    def party_currency(self, party: str) -> str:
        """The currency the party pays in (the compact's, else the schedule's)."""
        for record in (self.json("compact/compact.json") or {}).get("parties", []):
            if record["id"] == party and record.get("currency"):
                return str(record["currency"])
        schedule = self.csv("finance/schedule.csv")
        if schedule is not None:
            own = schedule.loc[schedule["party"] == party, "currency"]
            if len(own):
                return str(own.iloc[0])
        return self.currency

    def measure_name(self, measure: str, language: str) -> str:
        """The measure's name in ``language`` (from the appraisal), else its id."""
        for record in (self.json("appraisal/metrics.json") or {}).get("measures", []):
            if record["id"] == measure:
                names = record.get("name") or {}
                return str(names.get(language) or names.get("en") or measure)
        return measure

    @property
    def finished(self) -> dt.datetime | None:
        """When the run finished (UTC), from its provenance."""
        record = self.json("provenance.json") or {}
        stamp = record.get("finished") or record.get("started")
        return dt.datetime.fromisoformat(stamp) if stamp else None
