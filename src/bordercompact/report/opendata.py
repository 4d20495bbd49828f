"""The open data of a run: every per-asset, per-zone and per-party result of a run directory
as one GeoPackage, GeoParquet and CSV files, with a data dictionary and a README.

Layout, below ``OUT_DIR/opendata/``::

    bordercompact.gpkg          one layer per result (tables without geometry: attribute-only)
    geoparquet/<layer>.parquet  the layers with geometry, in the run's analysis CRS
    csv/<layer>.csv             every layer; points as x and y, other geometries as WKT
    dictionary.csv              layer, field, unit, meaning of every field written
    README.md                   what the files are, CRS, money, sources, licence

The units and meanings come from ``dictionary.toml`` beside this module; a field it does
not document stops the export (:class:`OpenDataError`), so none is published undocumented.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
from pandas.api.types import is_bool_dtype, is_numeric_dtype
from pyproj import CRS

from bordercompact.equity.pipeline import ALL_OPEN, AS_SET, OPEN_TO_ALL, per_zone
from bordercompact.region.kinds import KINDS

#: The folder the export writes below the output directory.
OPENDATA = "opendata"
GEOPACKAGE = "bordercompact.gpkg"
#: GeoPackage 1.2: read without warnings by the GDAL of older QGIS releases too.
GEOPACKAGE_VERSION = "1.2"
#: The data dictionary's source: units and meanings of every field the export can write.
DICTIONARY_SOURCE = Path(__file__).with_name("dictionary.toml")
#: The unit of identifiers, labels and text.
TEXT = "—"
#: Columns every harmonized layer has beside the fields of its kind.
HARMONIZED_COLUMNS = frozenset({"feature_id", "dataset", "party", "source_id", "name_lang"})
#: Harmonized layers exported as they are (beside assets and zones, which get results):
#: output layer → dataset kind (layers/<kind>.parquet).
FEATURE_LAYERS = {"facilities": "facilities", "rivers": "hydrography"}
#: The row of per-party tables that sums every party.
TOTAL = "total"
#: The columns of risk/summary.csv the export reads (beside ``rp_<T>``).
RISK_SUMMARY_COLUMNS = ("scenario", "hazard", "exposure", "result", "unit", "party", "aai")
#: Columns renamed to stay within 30 characters: source name → open-data name.
RENAMED = {
    "avoided_per_year_most_vulnerable": "avoided_yearly_most_vulnerable",
    "contribution_expected_loss_plus_load": "contribution_loss_plus_load",
    "own_outlay_without_conditional_grants": "own_outlay_if_no_conditional",
    "conditional": "conditional_grants",
}
_RULES = {
    AS_SET: "each facility open to the people the manifest lets use it",
    OPEN_TO_ALL: "every facility open to everyone",
}


class OpenDataError(ValueError):
    """A run-directory file the open data cannot be made from (the message names it and
    says what was expected), or a field the data dictionary does not document."""


# --- reading the run directory ---------------------------------------------------------


class RunFiles:
    """The files of a run directory, read with errors that name the file."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, name: str) -> Path:
        return self.root / name

    def has(self, name: str) -> bool:
        return self.path(name).exists()

    def csv(self, name: str, columns: Iterable[str] = ()) -> pd.DataFrame:
        """A CSV table with at least ``columns``."""
        expected = _expected_table("a CSV table", columns)
        frame = self._read(name, expected, pd.read_csv)
        return _with_columns(frame, columns, self.path(name), expected)

    def json(self, name: str, keys: Iterable[str] = ()) -> dict[str, Any]:
        """A JSON object with at least ``keys``."""
        keys = list(keys)
        expected = "a JSON object" + (f" with {', '.join(keys)}" if keys else "")
        document = self._read(name, expected, lambda p: json.loads(p.read_text(encoding="utf-8")))
        if not isinstance(document, dict):
            raise OpenDataError(
                f"{self.path(name)}: found a JSON {type(document).__name__}; expected {expected}"
            )
        missing = [k for k in keys if k not in document]
        if missing:
            raise OpenDataError(
                f"{self.path(name)}: no key {', '.join(missing)}; expected {expected}"
            )
        return document

    def parquet(self, name: str, columns: Iterable[str] = ()) -> pd.DataFrame:
        """A Parquet table with at least ``columns``."""
        expected = _expected_table("a Parquet table", columns)
        frame = self._read(name, expected, pd.read_parquet)
        return _with_columns(frame, columns, self.path(name), expected)

    def geoparquet(self, name: str, columns: Iterable[str] = ()) -> gpd.GeoDataFrame:
        """A GeoParquet layer with a CRS and at least ``columns``, categories as plain
        values."""
        expected = _expected_table("a GeoParquet layer with a CRS", columns)
        frame = self._read(name, expected, gpd.read_parquet)
        if frame.crs is None:
            raise OpenDataError(f"{self.path(name)}: no CRS; expected {expected}")
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.CategoricalDtype):
                frame[column] = frame[column].astype(frame[column].cat.categories.dtype)
        return _with_columns(frame, columns, self.path(name), expected)

    def field_metadata(self, name: str) -> dict[str, Any]:
        """The bordercompact metadata of a harmonized layer: ``currency``, ``price_year``
        and ``fields`` (role and unit of the fields that have them)."""
        expected = "a harmonized GeoParquet layer with bordercompact metadata"

        def read(path: Path) -> Any:
            return json.loads((pq.read_schema(path).metadata or {})[b"bordercompact"])

        found = self._read(name, expected, read)
        missing = [k for k in ("currency", "price_year") if k not in found]
        if missing:
            raise OpenDataError(
                f"{self.path(name)}: metadata without {', '.join(missing)}; expected {expected}"
            )
        return dict(found)

    def _read(self, name: str, expected: str, read: Callable[[Path], Any]) -> Any:
        path = self.path(name)
        if not path.is_file():
            raise OpenDataError(f"{path}: no such file; expected {expected}")
        try:
            return read(path)
        except (OSError, UnicodeDecodeError, ValueError, KeyError) as error:
            raise OpenDataError(
                f"{path}: unreadable ({_first_line(error)}); expected {expected}"
            ) from None


def _expected_table(kind: str, columns: Iterable[str]) -> str:
    columns = list(columns)
    return kind + (f" with the columns {', '.join(columns)}" if columns else "")


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _with_columns(frame: Any, columns: Iterable[str], path: Path, expected: str) -> Any:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise OpenDataError(f"{path}: no column {', '.join(missing)}; expected {expected}")
    return frame


# --- the data dictionary ---------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    unit: str
    meaning: str


@dataclass(frozen=True)
class LayerDoc:
    description: str
    source: str
    fields: dict[str, Entry]


@dataclass(frozen=True)
class Dictionary:
    """``dictionary.toml``: per layer its description, source files and fields, and the
    fields shared by every layer that has them (``common``)."""

    layers: dict[str, LayerDoc]
    common: dict[str, Entry]

    def entry(self, layer: str, name: str) -> Entry | None:
        doc = self.layers.get(layer)
        found = doc.fields.get(name) if doc is not None else None
        return found if found is not None else self.common.get(name)


def load_dictionary(path: Path | None = None) -> Dictionary:
    """The data dictionary kept as data in ``path`` (TOML; :data:`DICTIONARY_SOURCE`
    without one)."""
    document = tomllib.loads((path or DICTIONARY_SOURCE).read_text(encoding="utf-8"))

    def entries(table: Mapping[str, Any]) -> dict[str, Entry]:
        return {name: Entry(str(e["unit"]), str(e["meaning"])) for name, e in table.items()}

    return Dictionary(
        layers={
            name: LayerDoc(str(doc["description"]), str(doc["source"]), entries(doc["fields"]))
            for name, doc in document["layers"].items()
        },
        common=entries(document["fields"]),
    )


# --- the layers ------------------------------------------------------------------------


@dataclass
class Layer:
    """One table of the export. ``origin``: the run-dir file each column comes from (for
    errors); ``terms``: for a column whose dictionary field has {names}, that field and
    the values of the names."""

    name: str
    table: pd.DataFrame  # a GeoDataFrame for a layer with geometry
    origin: dict[str, str]
    terms: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    @property
    def points(self) -> bool:
        """A spatial layer whose every geometry is a point (its CSV has x and y)."""
        if not isinstance(self.table, gpd.GeoDataFrame):
            return False
        kinds = set(self.table.geometry.dropna().geom_type)
        return kinds == {"Point"}

    def add(
        self,
        columns: pd.DataFrame,
        source: str,
        terms: Mapping[str, tuple[str, dict[str, str]]] | None = None,
    ) -> None:
        """Add ``columns`` (aligned on the table's index) read from ``source``."""
        for name in columns.columns:
            self.table[name] = columns[name].to_numpy()
            self.origin[name] = source
        self.terms.update(terms or {})


@dataclass(frozen=True)
class RiskLine:
    """A harmonized risk line of one scenario and its per-asset expected annual impact."""

    scenario: str
    key: str  # <hazard>__<exposure>[__<result>], as in risk/eai_by_asset
    hazard: str
    exposure: str
    result: str
    unit: str
    source: str  # its eai_by_asset file
    kind: str  # the harmonized layer its assets are features of
    eai: pd.Series  # per asset id, per year

    @property
    def column(self) -> str:
        return f"eai_{snake(self.scenario)}_{snake(self.key)}"

    def terms(self, context: Mapping[str, str], **extra: str) -> tuple[str, dict[str, str]]:
        unit = context["money"] if self.unit == context["currency"] else self.unit
        values = {
            "scenario": self.scenario,
            "line": self.key,
            "hazard": self.hazard,
            "exposure": self.exposure,
            "result": self.result,
            "line_unit": unit,
        }
        return "eai_{scenario}_{line}", values | extra


def snake(text: str) -> str:
    """``rcp85-2050`` → ``rcp85_2050``: lowercase letters and digits joined by ``_``."""
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


def write_open_data(run_dir: Path, out_dir: Path) -> list[Path]:
    """Read the results in run_dir; write out_dir/opendata/...; return the paths written.

    Stages the run lacks (no equity/, appraisal/, negotiation/, finance/) leave their
    layers out. The folder is written aside and renamed when complete, replacing an
    older ``opendata`` folder.

    Raises
    ------
    OpenDataError
        A file of the run that is missing, unreadable or lacks a column or key (named,
        with what was expected), or a field the data dictionary does not document.
    """
    run = RunFiles(Path(run_dir))
    dictionary = load_dictionary()
    harmonized = harmonized_layers(run)
    context = run_context(run, harmonized["boundary"].crs)
    layers = collect_layers(run, harmonized, context)
    fields = {layer.name: describe(layer, dictionary, context) for layer in layers}
    for layer in layers:
        _as_numbers(layer, fields[layer.name], run)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{OPENDATA}-", dir=out))
    try:
        written = _write_all(layers, fields, dictionary, context, staging)
        target = out / OPENDATA
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / path.relative_to(staging) for path in written]


def run_context(run: RunFiles, analysis_crs: Any) -> dict[str, str]:
    """The names the dictionary's units and meanings use for the whole run: the region,
    its CRS, currency and price year and, with an appraisal, its years."""
    metadata = run.field_metadata("layers/boundary.parquet")
    currency, price_year = str(metadata["currency"]), str(metadata["price_year"])
    crs = CRS.from_user_input(analysis_crs)
    authority = crs.to_authority()
    axis_unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    context = {
        "region": _region_name(run),
        "crs": ":".join(authority) if authority else crs.name,
        "crs_name": crs.name,
        "crs_unit": {"metre": "m", "degree": "°"}.get(axis_unit, axis_unit),
        "currency": currency,
        "price_year": price_year,
        "money": f"{currency} ({price_year} prices)",
        "party_money": f"the party's currency, named in column currency ({price_year} prices)",
        "unit_column": f"as column unit says ({currency} at {price_year} prices for money)",
    }
    if run.has("appraisal"):
        settings = run.json("appraisal/metrics.json", ["appraisal"])["appraisal"]
        for key in ("first_year", "last_year"):
            if key not in settings:
                raise OpenDataError(
                    f"{run.path('appraisal/metrics.json')}: no appraisal.{key}; expected "
                    "the appraisal's first and last year"
                )
            context[key] = str(settings[key])
    return context


def _region_name(run: RunFiles) -> str:
    if run.has("harmonization_log.json"):
        return str(run.json("harmonization_log.json").get("region") or run.root.name)
    return run.root.name


def collect_layers(
    run: RunFiles, harmonized: Mapping[str, gpd.GeoDataFrame], context: Mapping[str, str]
) -> list[Layer]:
    """Every layer the run has results for, in the order of the export."""
    lines = risk_lines(run, harmonized) if run.has("risk") else []
    layers = [parties_layer(run, harmonized["boundary"], lines, context)]
    if "assets" in harmonized:
        layers.append(feature_layer("assets", "assets", harmonized["assets"], run, lines, context))
    zones = zones_layer(run, harmonized, lines, context)
    if zones is not None:
        layers.append(zones)
    for name, kind in FEATURE_LAYERS.items():
        if kind in harmonized:
            layers.append(feature_layer(name, kind, harmonized[kind], run, lines, context))
    if run.has("layers/border_discrepancies.parquet"):
        source = "layers/border_discrepancies.parquet"
        layers.append(_whole(run.geoparquet(source), "border_discrepancies", source))
    if lines:
        layers.append(return_period_losses(run))
    layers += equity_tables(run)
    layers += appraisal_tables(run)
    layers += negotiation_tables(run)
    layers += finance_tables(run)
    return layers


def harmonized_layers(run: RunFiles) -> dict[str, gpd.GeoDataFrame]:
    """The harmonized layers the export reads, by dataset kind (boundary always)."""
    kinds = ("boundary", "assets", "population_zones", *FEATURE_LAYERS.values())
    return {
        kind: run.geoparquet(f"layers/{kind}.parquet", ["feature_id", "dataset", "party"])
        for kind in kinds
        if kind == "boundary" or run.has(f"layers/{kind}.parquet")
    }


def risk_lines(run: RunFiles, harmonized: Mapping[str, gpd.GeoDataFrame]) -> list[RiskLine]:
    """Every harmonized risk line of risk/metrics.json, present and future, with its
    per-asset expected annual impact; each line's assets are features of one layer."""
    metrics = run.json("risk/metrics.json", ["scenarios"])
    members = {
        kind: (set(frame["dataset"].astype(str)), pd.Index(frame["feature_id"].astype(str)))
        for kind, frame in harmonized.items()
    }
    lines = []
    for scenario, by_line in metrics["scenarios"].items():
        for key, figures in by_line.items():
            source = f"risk/eai_by_asset/{scenario}/{key}.parquet"
            table = run.parquet(source, ["asset_id", "dataset", "eai"])
            duplicated = table["asset_id"].duplicated()
            if duplicated.any():
                raise OpenDataError(
                    f"{run.path(source)}: asset {table['asset_id'][duplicated].iloc[0]} twice; "
                    "expected one row per asset"
                )
            try:
                description = {
                    name: str(figures[name]) for name in ("hazard", "exposure", "result", "unit")
                }
            except (KeyError, TypeError) as error:
                raise OpenDataError(
                    f"{run.path('risk/metrics.json')}: scenarios.{scenario}.{key} without "
                    f"{error}; expected hazard, exposure, result and unit"
                ) from None
            eai = table.set_index(table["asset_id"].astype(str))["eai"]
            datasets = set(table["dataset"].astype(str))
            kind = line_kind(eai.index, datasets, members, run.path(source))
            line = RiskLine(
                str(scenario), str(key), **description, source=source, kind=kind, eai=eai
            )
            lines.append(line)
    return lines


def line_kind(
    asset_ids: pd.Index,
    datasets: set[str],
    members: Mapping[str, tuple[set[str], pd.Index]],
    path: Path,
) -> str:
    """The harmonized layer (kind) whose features a risk line's assets are: the one
    holding the line's ``datasets`` (``members``: each kind's datasets and feature ids)."""
    for kind, (held, feature_ids) in members.items():
        if datasets <= held:
            missing = ~asset_ids.isin(feature_ids)
            if missing.any():
                raise OpenDataError(
                    f"{path}: asset {asset_ids[missing][0]} is not a feature of "
                    f"layers/{kind}.parquet; expected the features of one harmonized layer"
                )
            return kind
    raise OpenDataError(
        f"{path}: datasets {', '.join(sorted(datasets))} are not those of one harmonized "
        "layer; expected the features of one layer of layers/"
    )


def feature_layer(
    name: str,
    kind: str,
    frame: gpd.GeoDataFrame,
    run: RunFiles,
    lines: list[RiskLine],
    context: Mapping[str, str],
) -> Layer:
    """A harmonized layer as it is, with the expected annual impact of each risk line on
    its features."""
    layer = harmonized_layer(name, kind, frame, run)
    feature_ids = frame["feature_id"].astype(str)
    for line in (line for line in lines if line.kind == kind):
        layer.add(
            pd.DataFrame({line.column: feature_ids.map(line.eai).to_numpy()}),
            line.source,
            {line.column: line.terms(context)},
        )
    return layer


def harmonized_layer(name: str, kind: str, frame: gpd.GeoDataFrame, run: RunFiles) -> Layer:
    """The harmonized layer of ``kind`` as layer ``name``; attributes the kind does not
    know (a party's own fields, carried through) are documented as such, with the unit
    the harmonization recorded if any."""
    source = f"layers/{kind}.parquet"
    layer = _whole(frame.reset_index(drop=True), name, source)
    known = HARMONIZED_COLUMNS | {f.name for f in KINDS[kind].fields}
    recorded = run.field_metadata(source).get("fields", {})
    datasets = ", ".join(sorted(set(frame["dataset"].astype(str))))
    for column in frame.columns:
        if column in known or column == frame.geometry.name:
            continue
        layer.terms[column] = (
            "{attribute}",
            {
                "attribute": column,
                "datasets": datasets,
                "attribute_unit": _recorded_unit(recorded.get(column, {})),
            },
        )
    return layer


def _recorded_unit(meta: Mapping[str, Any]) -> str:
    role = meta.get("role")
    if role == "quantity" and meta.get("unit"):
        return str(meta["unit"]).replace("**2", "²").replace("**3", "³")
    if role == "money":
        return f"{meta.get('currency')} ({meta.get('price_year')} prices)"
    if role == "count":
        return "1"
    return "as in the source"


def _whole(table: pd.DataFrame, name: str, source: str) -> Layer:
    """A layer that is one file's table."""
    return Layer(name, table, {column: source for column in table.columns})


def parties_layer(
    run: RunFiles,
    boundary: gpd.GeoDataFrame,
    lines: list[RiskLine],
    context: Mapping[str, str],
) -> Layer:
    """One row per party: the union of its boundary features, its expected annual impact
    per scenario and risk line, and what the deal and its funding give it."""
    source = "layers/boundary.parquet"
    boundary = boundary.assign(party=boundary["party"].astype(str))
    territory = boundary[["party", "geometry"]].dissolve(by="party").geometry
    summary = run.csv("risk/summary.csv", RISK_SUMMARY_COLUMNS) if lines else None
    order = [] if summary is None else [p for p in summary["party"].astype(str) if p != TOTAL]
    parties = list(dict.fromkeys([*order, *territory.index]))
    layer = Layer(
        "parties",
        gpd.GeoDataFrame(
            {"party": parties},
            geometry=territory.reindex(parties).to_numpy(),
            crs=boundary.crs,
        ),
        {"party": source, "geometry": source},
    )
    if summary is not None:
        _add_party_risk(layer, summary, lines, context, run)
    if run.has("negotiation"):
        _add_party_deal(layer, run)
    if run.has("finance"):
        _add_party_funding(layer, run)
    return layer


def _add_party_risk(
    layer: Layer,
    summary: pd.DataFrame,
    lines: list[RiskLine],
    context: Mapping[str, str],
    run: RunFiles,
) -> None:
    source = "risk/summary.csv"
    keys = ["scenario", "hazard", "exposure", "result"]
    indexed = summary.astype({k: str for k in [*keys, "party"]}).set_index(keys)
    columns, terms = {}, {}
    for line in lines:
        where = (line.scenario, line.hazard, line.exposure, line.result)
        if where not in indexed.index:
            raise OpenDataError(
                f"{run.path(source)}: no rows of scenario {line.scenario}, {line.hazard} on "
                f"{line.exposure} ({line.result}); expected every line of risk/metrics.json"
            )
        rows = indexed.loc[[where]]
        columns[line.column] = dict(zip(rows["party"], rows["aai"], strict=True))
        terms[line.column] = line.terms(context)
    layer.add(_per_party(layer, columns), source, terms)


def _add_party_deal(layer: Layer, run: RunFiles) -> None:
    source = "negotiation/deal.json"
    deal = run.json(source)
    entries = deal.get("parties")
    if entries is None:  # no deal: nothing per party
        return
    if not (
        isinstance(entries, list) and all(isinstance(e, dict) and "party" in e for e in entries)
    ):
        raise OpenDataError(
            f"{run.path(source)}: parties is not a list of objects with a party; expected "
            "one object per player"
        )
    figures = pd.DataFrame(entries).set_index("party").rename(columns=RENAMED)
    layer.add(_per_party(layer, {str(k): v for k, v in figures.to_dict().items()}), source)
    shares = run.csv("negotiation/shares.csv", ["party", "hosts"])
    hosted = shares.groupby(shares["party"].astype(str))["hosts"].sum()
    layer.add(_per_party(layer, {"hosted_cost": hosted.to_dict()}), "negotiation/shares.csv")


def _add_party_funding(layer: Layer, run: RunFiles) -> None:
    """Own outlay with and without the conditional grants, and those grants."""
    source = "finance/finance.json"
    plan = run.json(source).get("plan")
    if not isinstance(plan, dict):  # no deal to fund
        return
    by_party = {
        RENAMED.get(key, key): plan[key]
        for key in ("own_outlay", "own_outlay_without_conditional_grants", "conditional")
        if isinstance(plan.get(key), dict) and plan[key]
    }
    if "conditional_grants" in by_party:  # the parties without one get none
        by_party["conditional_grants"] = {p: 0.0 for p in plan.get("own_outlay", {})} | (
            by_party["conditional_grants"]
        )
    layer.add(_per_party(layer, by_party), source)


def _per_party(layer: Layer, columns: Mapping[str, Mapping[Any, Any]]) -> pd.DataFrame:
    """Columns of per-party values (party → value) in the order of the layer's rows
    (missing: NaN)."""
    parties = layer.table["party"].astype(str)
    return pd.DataFrame(
        {
            name: parties.map({str(k): v for k, v in values.items()}).to_numpy()
            for name, values in columns.items()
        }
    )


def zones_layer(
    run: RunFiles,
    harmonized: Mapping[str, gpd.GeoDataFrame],
    lines: list[RiskLine],
    context: Mapping[str, str],
) -> Layer | None:
    """The census zones (layers/population_zones.parquet, which equity/zones.parquet
    ranks) with their index, travel times and the risk in each."""
    if "population_zones" not in harmonized:
        return None
    layer = harmonized_layer("zones", "population_zones", harmonized["population_zones"], run)
    ids = layer.table["feature_id"].astype(str)
    if run.has("equity"):
        _add_zone_index(layer, ids, run)
        _add_zone_access(layer, ids, run)
    for line in lines:
        layer.add(
            pd.DataFrame({line.column: _risk_in_zones(line, layer.table, harmonized)}),
            line.source,
            {line.column: line.terms(context, how=_how(line))},
        )
    return layer


def _how(line: RiskLine) -> str:
    if line.kind == "population_zones":
        return "the zone's own (the line's exposure is the census zones)"
    return "summed over the line's assets standing in the zone"


def _risk_in_zones(
    line: RiskLine, zones: gpd.GeoDataFrame, harmonized: Mapping[str, gpd.GeoDataFrame]
) -> np.ndarray:
    """A line's expected annual impact per zone, as the equity stage sums it: the zone's
    own, or the assets standing in it (at the point risk placed them)."""
    ids = line.eai.index
    if line.kind == "population_zones":
        lon = lat = np.full(len(ids), np.nan)
    else:
        features = harmonized[line.kind]
        geometry = features.geometry.set_axis(features["feature_id"].astype(str))
        points = geometry.loc[ids].representative_point().to_crs("EPSG:4326")
        lon, lat = points.x.to_numpy(), points.y.to_numpy()
    return per_zone(line.eai.to_numpy(dtype=np.float64), ids.to_numpy(), lon, lat, zones)


def _add_zone_index(layer: Layer, ids: pd.Series, run: RunFiles) -> None:
    """The SVI columns of equity/zones.parquet, by zone."""
    source = "equity/zones.parquet"
    index = run.geoparquet(source, ["feature_id", "svi", "quintile"])
    index = index.set_index(index["feature_id"].astype(str))
    unknown = ~ids.isin(index.index)
    if unknown.any():
        raise OpenDataError(
            f"{run.path(source)}: no zone {ids[unknown].iloc[0]}; expected every census zone "
            "of layers/population_zones.parquet"
        )
    new = [c for c in index.columns if c not in layer.table.columns and c != index.geometry.name]
    by_party = run.json("equity/metrics.json", ["variables_by_party"])["variables_by_party"]
    if not (
        isinstance(by_party, dict)
        and all(isinstance(themes, dict) for themes in by_party.values())
        and all(isinstance(v, list) for themes in by_party.values() for v in themes.values())
    ):
        raise OpenDataError(
            f"{run.path('equity/metrics.json')}: variables_by_party is not party → theme → "
            "variables; expected the variables each party has per SVI theme"
        )
    terms: dict[str, tuple[str, dict[str, str]]] = {}
    for themes in by_party.values():
        for theme, variables in themes.items():
            terms[f"theme_{theme}_pr"] = ("theme_{theme}_pr", {"theme": theme})
            terms[f"theme_{theme}_flags"] = ("theme_{theme}_flags", {"theme": theme})
            for variable in variables:
                terms[f"{variable}_pr"] = ("{variable}_pr", {"variable": variable})
                terms[f"{variable}_flag"] = ("{variable}_flag", {"variable": variable})
    layer.add(
        pd.DataFrame(index.loc[ids.to_numpy(), new]).reset_index(drop=True),
        source,
        {c: t for c, t in terms.items() if c in new},
    )


def _add_zone_access(layer: Layer, ids: pd.Series, run: RunFiles) -> None:
    """Minutes to the nearest facility of each kind, every crossing open, by the rule as
    set where the equity run has it."""
    source = "equity/access_by_zone.csv"
    if not run.has(source):
        return
    trips = run.csv(source, ["feature_id", "facility", "scenario", "rule", "minutes"])
    trips = trips[(trips["scenario"] == ALL_OPEN) & trips["rule"].isin([AS_SET, OPEN_TO_ALL])]
    columns, terms = {}, {}
    for facility, rows in trips.groupby(trips["facility"].astype(str), sort=False):
        rule = AS_SET if (rows["rule"] == AS_SET).any() else OPEN_TO_ALL
        chosen = rows[rows["rule"] == rule]
        name = f"minutes_to_{snake(facility)}"
        minutes = chosen.set_index(chosen["feature_id"].astype(str))["minutes"]
        columns[name] = ids.map(minutes).to_numpy()
        terms[name] = ("minutes_to_{facility}", {"facility": facility, "rule": _RULES[rule]})
    layer.add(pd.DataFrame(columns), source, terms)


def return_period_losses(run: RunFiles) -> Layer:
    """risk/summary.csv in long form: one row per scenario, line, party and return period."""
    source = "risk/summary.csv"
    summary = run.csv(source, RISK_SUMMARY_COLUMNS)
    periods = [c for c in summary.columns if re.fullmatch(r"rp_\d+(\.\d+)?", c)]
    keys = ["scenario", "hazard", "exposure", "result", "unit", "party"]
    long = summary.melt(
        id_vars=keys, value_vars=periods, var_name="return_period", value_name="loss"
    )
    long["return_period"] = long["return_period"].str.removeprefix("rp_").astype(float)
    return _whole(long, "return_period_losses", source)


def _table(run: RunFiles, name: str, source: str, *, required: bool) -> list[Layer]:
    """A run-dir table as a layer, as it is (renamed columns aside); none when the file
    is absent and not required."""
    if not required and not run.has(source):
        return []
    return [_whole(run.csv(source).rename(columns=RENAMED), name, source)]


def equity_tables(run: RunFiles) -> list[Layer]:
    if not run.has("equity"):
        return []
    return [
        *_table(run, "access_by_zone", "equity/access_by_zone.csv", required=False),
        *_table(run, "access_by_group", "equity/access.csv", required=False),
        *_table(run, "risk_by_quintile", "equity/distribution.csv", required=False),
    ]


def appraisal_tables(run: RunFiles) -> list[Layer]:
    if not run.has("appraisal"):
        return []
    source = "appraisal/appraisal.csv"
    keys = ["measure", "party"]
    layer = _whole(run.csv(source, keys), "measures_by_party", source)
    if run.has("appraisal/uncertainty.csv"):
        spread = run.csv("appraisal/uncertainty.csv", keys)
        table = layer.table.merge(spread, on=keys, how="left", validate="one_to_one")
        layer.origin |= {c: "appraisal/uncertainty.csv" for c in spread.columns if c not in keys}
        layer.table = table
    return [
        layer,
        *_table(run, "measure_outcomes", "appraisal/outcomes.csv", required=True),
        *_table(
            run, "who_gains_by_quintile", "appraisal/who_gains_by_quintile.csv", required=False
        ),
    ]


def negotiation_tables(run: RunFiles) -> list[Layer]:
    if not run.has("negotiation"):
        return []
    deal = run.json("negotiation/deal.json", ["players"])
    with_deal = deal.get("parties") is not None
    layers = _table(run, "alternatives", "negotiation/alternatives.csv", required=with_deal)
    for layer in layers:
        layer.terms |= {
            f"net_gain_{p}": ("net_gain_{party}", {"party": str(p)}) for p in deal["players"]
        }
    return layers + _table(run, "cost_shares", "negotiation/shares.csv", required=with_deal)


def finance_tables(run: RunFiles) -> list[Layer]:
    if not run.has("finance"):
        return []
    document = run.json("finance/finance.json")
    planned, reserved = "plan" in document, "reserve" in document
    return [
        *_table(run, "party_fiscal_years", "finance/schedule.csv", required=planned),
        *_table(run, "party_outlay", "finance/outlay.csv", required=planned),
        *_table(run, "party_budgets", "finance/budgets.csv", required=planned),
        *_table(run, "funding_plan", "finance/plan.csv", required=planned),
        *_table(run, "reserve", "finance/reserve.csv", required=reserved),
    ]


# --- documenting and writing -----------------------------------------------------------


def describe(layer: Layer, dictionary: Dictionary, context: Mapping[str, str]) -> list[Entry]:
    """The unit and meaning of every field of ``layer`` as written (its columns; with a
    geometry, ``geometry`` and, for points, the CSV's ``x`` and ``y``), in the order of
    :func:`field_names`."""
    if layer.name not in dictionary.layers:
        raise OpenDataError(
            f"{DICTIONARY_SOURCE}: no layer {layer.name!r}; expected its description, "
            "source and fields"
        )
    geometry = "columns x and y" if layer.points else "WKT"
    terms = dict(layer.terms) | {"geometry": ("geometry", {"csv_geometry": geometry})}
    described = []
    for name in field_names(layer):
        key, values = terms.get(name, (name, {}))
        entry = dictionary.entry(layer.name, key)
        if entry is None:
            raise OpenDataError(
                f"{DICTIONARY_SOURCE}: no entry for field {name!r} of layer {layer.name!r}; "
                "expected its unit and meaning, so that it is not published undocumented"
            )
        names = {**context, **values}
        described.append(
            Entry(_fill(entry.unit, names, layer, key), _fill(entry.meaning, names, layer, key))
        )
    return described


def field_names(layer: Layer) -> list[str]:
    """The fields of a layer: its attribute columns, then ``geometry`` and, for a point
    layer, ``x`` and ``y`` (its CSV's coordinates)."""
    if not isinstance(layer.table, gpd.GeoDataFrame):
        return [str(c) for c in layer.table.columns]
    geometry = layer.table.geometry.name
    names = [str(c) for c in layer.table.columns if c != geometry]
    return [*names, "geometry", *(["x", "y"] if layer.points else [])]


def _fill(template: str, names: Mapping[str, str], layer: Layer, key: str) -> str:
    try:
        return template.format_map(names)
    except KeyError as missing:
        raise OpenDataError(
            f"{DICTIONARY_SOURCE}: layer {layer.name!r}, field {key!r} uses {{{missing.args[0]}}}, "
            "which this run does not give; expected only the names of the file's header"
        ) from None


def _as_numbers(layer: Layer, described: list[Entry], run: RunFiles) -> None:
    """Make every field with a unit numbers (or empty): a text found there is named with
    the file, column and row it comes from."""
    for name, entry in zip(field_names(layer), described, strict=True):
        if entry.unit == TEXT or name not in layer.table.columns or name == "geometry":
            continue
        values = layer.table[name]
        if is_numeric_dtype(values) or is_bool_dtype(values):
            continue
        numbers = pd.to_numeric(values, errors="coerce")
        wrong = values.notna() & numbers.isna()
        if wrong.any():
            row = int(np.flatnonzero(wrong.to_numpy())[0])
            raise OpenDataError(
                f"{run.path(layer.origin.get(name, layer.name))}: {name}: found "
                f"{values.iloc[row]!r} (row {row + 1} of layer {layer.name}); expected a "
                f"number ({entry.unit})"
            )
        layer.table[name] = numbers


def _write_all(
    layers: list[Layer],
    fields: Mapping[str, list[Entry]],
    dictionary: Dictionary,
    context: Mapping[str, str],
    folder: Path,
) -> list[Path]:
    geopackage = folder / GEOPACKAGE
    written = [geopackage]
    (folder / "geoparquet").mkdir()
    (folder / "csv").mkdir()
    for layer in layers:
        pyogrio.write_dataframe(
            layer.table,
            geopackage,
            layer=layer.name,
            driver="GPKG",
            layer_options={"DESCRIPTION": dictionary.layers[layer.name].description},
            dataset_options={"VERSION": GEOPACKAGE_VERSION},
        )
        if isinstance(layer.table, gpd.GeoDataFrame):
            path = folder / "geoparquet" / f"{layer.name}.parquet"
            layer.table.to_parquet(path, index=False)
            written.append(path)
    for layer in layers:
        path = folder / "csv" / f"{layer.name}.csv"
        csv_table(layer).to_csv(path, index=False)
        written.append(path)
    path = folder / "dictionary.csv"
    pd.DataFrame(
        [
            {"layer": layer.name, "field": name, "unit": entry.unit, "meaning": entry.meaning}
            for layer in layers
            for name, entry in zip(field_names(layer), fields[layer.name], strict=True)
        ],
        columns=["layer", "field", "unit", "meaning"],
    ).to_csv(path, index=False)
    written.append(path)
    path = folder / "README.md"
    path.write_text(readme(layers, dictionary, context), encoding="utf-8")
    written.append(path)
    return written


def csv_table(layer: Layer) -> pd.DataFrame:
    """The layer as its CSV has it: a point layer with x and y, other geometries as WKT
    in ``geometry``."""
    table = layer.table
    if not isinstance(table, gpd.GeoDataFrame):
        return table
    geometry = table.geometry
    attributes = pd.DataFrame(table.drop(columns=geometry.name))
    if layer.points:
        return attributes.assign(x=geometry.x.to_numpy(), y=geometry.y.to_numpy())
    return attributes.assign(geometry=geometry.to_wkt().to_numpy())


def readme(layers: list[Layer], dictionary: Dictionary, context: Mapping[str, str]) -> str:
    """A short README: what the files are, the CRS, the money, where each layer comes
    from and the licence."""
    rows = []
    for layer in layers:
        doc = dictionary.layers[layer.name]
        kind = "none"
        if isinstance(layer.table, gpd.GeoDataFrame):
            types = sorted(
                {t.removeprefix("Multi") for t in layer.table.geometry.dropna().geom_type}
            )
            kind = ", ".join(types) or "none"
        rows.append(
            f"| `{layer.name}` | {len(layer.table)} | {kind} | {doc.description} | {doc.source} |"
        )
    notes = [f"Money is in {context['currency']} at {context['price_year']} prices."]
    if "first_year" in context:
        notes.append(
            f"Appraisal, deal and funding amounts are present values at {context['first_year']}."
        )
    if any(layer.name == "party_fiscal_years" for layer in layers):
        notes.append(
            "Finance tables give each party's amounts also in its own currency, named in "
            "their `currency` column."
        )
    notes.append("A `party` of `total` sums every party.")
    return "\n".join(
        [
            f"# Open data: {context['region']}",
            "",
            "The results of a bordercompact run of the region, per asset, per census zone and "
            "per party, in three formats holding the same tables:",
            "",
            f"- `{GEOPACKAGE}`: one GeoPackage with one layer per table (tables without "
            "geometry are attribute-only layers); opens in QGIS and any GDAL-based tool.",
            "- `geoparquet/<layer>.parquet`: the layers with geometry, as GeoParquet.",
            "- `csv/<layer>.csv`: every layer, UTF-8; point layers with `x` and `y` "
            "columns, other layers with geometry with a WKT `geometry` column.",
            "- `dictionary.csv`: the unit and meaning of every field of every layer "
            "(`layer,field,unit,meaning`).",
            "",
            "## Coordinates and money",
            "",
            f"Coordinates are in the run's analysis CRS, {context['crs']} ({context['crs_name']}), "
            f"in {context['crs_unit']}. " + " ".join(notes),
            "",
            "## Layers",
            "",
            "| layer | rows | geometry | what | from (in the run directory) |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            "",
            "## Licence",
            "",
            "These data are derived from the datasets each party brought to the region; "
            "they inherit the licences and attribution requirements of those sources, "
            "listed with their checksums in the run's `provenance.json`. Publish them "
            "under terms compatible with every one of them.",
            "",
        ]
    )
