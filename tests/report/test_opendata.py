"""The open data of a run: one GeoPackage that GIS tools list layer by layer, GeoParquet
and CSV per layer, and a dictionary that documents every field written, drawn from a
finance run of the mini region (with its equity)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely

from bordercompact.region.kinds import KINDS
from bordercompact.report import opendata
from bordercompact.report.opendata import (
    FEATURE_LAYERS,
    HARMONIZED_COLUMNS,
    OpenDataError,
    load_dictionary,
    write_open_data,
)

#: Layers of the mini run whose rows are one file's rows: layer → file.
ONE_TO_ONE = {
    "assets": "layers/assets.parquet",
    "zones": "layers/population_zones.parquet",
    "facilities": "layers/facilities.parquet",
    "access_by_zone": "equity/access_by_zone.csv",
    "access_by_group": "equity/access.csv",
    "risk_by_quintile": "equity/distribution.csv",
    "measures_by_party": "appraisal/appraisal.csv",
    "measure_outcomes": "appraisal/outcomes.csv",
    "who_gains_by_quintile": "appraisal/who_gains_by_quintile.csv",
    "alternatives": "negotiation/alternatives.csv",
    "cost_shares": "negotiation/shares.csv",
    "party_fiscal_years": "finance/schedule.csv",
    "party_outlay": "finance/outlay.csv",
    "party_budgets": "finance/budgets.csv",
    "funding_plan": "finance/plan.csv",
    "reserve": "finance/reserve.csv",
}
LATER_LAYERS = {
    "alternatives",
    "cost_shares",
    "party_fiscal_years",
    "party_outlay",
    "party_budgets",
    "funding_plan",
    "reserve",
}


@pytest.fixture(scope="session")
def finance_run(mini_run: Path) -> Path:
    """The report tests' run of the mini region (its equity, deal, funding and compact)."""
    return mini_run


@pytest.fixture(scope="session")
def exported(finance_run: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The open data of the finance run, written beside it (as the pipeline does)."""
    return write_open_data(finance_run, tmp_path_factory.mktemp("opendata-out"))


@pytest.fixture
def run_copy(finance_run: Path, tmp_path: Path) -> Path:
    target = tmp_path / "run"
    shutil.copytree(finance_run, target)
    return target


def folder_of(exported: list[Path]) -> Path:
    return exported[0].parent


def dictionary_of(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "dictionary.csv", keep_default_na=False)


def test_every_layer_is_listed_and_round_trips_with_the_rows_of_its_source(
    finance_run: Path, exported: list[Path]
) -> None:
    geopackage = folder_of(exported) / "bordercompact.gpkg"
    listed = dict(pyogrio.list_layers(geopackage))
    assert set(ONE_TO_ONE) | {"parties", "return_period_losses"} == set(listed)
    assert listed["assets"] == "Point" and listed["access_by_zone"] is None
    for layer, source in ONE_TO_ONE.items():
        path = finance_run / source
        rows = len(pd.read_csv(path) if path.suffix == ".csv" else gpd.read_parquet(path))
        assert len(pyogrio.read_dataframe(geopackage, layer=layer)) == rows, layer
    summary = pd.read_csv(finance_run / "risk/summary.csv")
    periods = [c for c in summary.columns if c.startswith("rp_")]
    losses = pyogrio.read_dataframe(geopackage, layer="return_period_losses")
    assert len(losses) == len(summary) * len(periods)
    parties = pyogrio.read_dataframe(geopackage, layer="parties")
    assert set(parties["party"]) == set(summary["party"]) - {"total"}


def test_a_party_s_deal_figures_are_those_of_deal_json(
    finance_run: Path, exported: list[Path]
) -> None:
    deal = json.loads((finance_run / "negotiation/deal.json").read_text(encoding="utf-8"))
    parties = pyogrio.read_dataframe(
        folder_of(exported) / "bordercompact.gpkg", layer="parties"
    ).set_index("party")
    for player in deal["parties"]:
        for key in ("benefit", "cost_share", "net_gain", "stand_alone", "transfer"):
            assert parties.loc[player["party"], key] == pytest.approx(player[key])
        assert parties.loc[player["party"], "avoided_yearly_most_vulnerable"] == pytest.approx(
            player["avoided_per_year_most_vulnerable"]
        )


def test_an_asset_s_expected_annual_impact_is_joined_on_its_id(
    finance_run: Path, exported: list[Path]
) -> None:
    eai = pd.read_parquet(finance_run / "risk/eai_by_asset/future/river-flood__buildings.parquet")
    assets = gpd.read_parquet(folder_of(exported) / "geoparquet/assets.parquet")
    joined = assets.set_index("feature_id")["eai_future_river_flood_buildings"]
    expected = eai.set_index("asset_id")["eai"]
    assert joined.loc[expected.index].to_numpy() == pytest.approx(expected.to_numpy())
    assert expected.sum() > 0


def test_every_zone_carries_its_index_travel_time_and_the_risk_in_it(
    finance_run: Path, exported: list[Path]
) -> None:
    zones = gpd.read_parquet(folder_of(exported) / "geoparquet/zones.parquet")
    index = gpd.read_parquet(finance_run / "equity/zones.parquet").set_index("feature_id")
    by_id = zones.set_index("feature_id")
    assert by_id["svi"].to_numpy() == pytest.approx(index.loc[by_id.index, "svi"].to_numpy())
    assert {"quintile", "elderly_pr", "theme_household_flags", "minutes_to_pumps"} <= set(
        zones.columns
    )
    # each line's impact in the zones adds up to what the equity stage found in them
    concentration = pd.read_csv(finance_run / "equity/concentration.csv")
    for row in concentration.itertuples():
        key = f"{row.hazard}__{row.exposure}" + ("" if row.result == "impact" else "__affected")
        column = opendata.snake(f"eai_{row.scenario}_{key}")
        assert zones[column].sum() == pytest.approx(row.in_zones), column


def test_the_analysis_crs_is_kept_in_every_format(finance_run: Path, exported: list[Path]) -> None:
    folder = folder_of(exported)
    crs = gpd.read_parquet(finance_run / "layers/boundary.parquet").crs
    for layer, geometry in pyogrio.list_layers(folder / "bordercompact.gpkg"):
        if geometry is not None:
            found = pyogrio.read_info(folder / "bordercompact.gpkg", layer=layer)["crs"]
            assert gpd.GeoSeries([], crs=found).crs == crs, layer
            assert gpd.read_parquet(folder / "geoparquet" / f"{layer}.parquet").crs == crs
    assert crs.to_string() in (folder / "README.md").read_text(encoding="utf-8")


def test_every_field_written_is_in_the_dictionary_with_a_unit_and_a_meaning(
    finance_run: Path, exported: list[Path]
) -> None:
    folder = folder_of(exported)
    dictionary = dictionary_of(folder)
    assert list(dictionary.columns) == ["layer", "field", "unit", "meaning"]
    assert not dictionary.duplicated(["layer", "field"]).any()
    assert (dictionary["unit"] != "").all() and (dictionary["meaning"] != "").all()
    assert not dictionary["unit"].str.contains("{", regex=False).any()
    assert not dictionary["meaning"].str.contains("{", regex=False).any()
    documented = set(zip(dictionary["layer"], dictionary["field"], strict=True))
    geopackage = folder / "bordercompact.gpkg"
    for layer, geometry in pyogrio.list_layers(geopackage):
        fields = list(pyogrio.read_info(geopackage, layer=layer)["fields"])
        csv_columns = list(pd.read_csv(folder / "csv" / f"{layer}.csv", nrows=0).columns)
        for name in {*fields, *csv_columns, *(["geometry"] if geometry else [])}:
            assert (layer, name) in documented, (layer, name)
    risk = json.loads((finance_run / "risk/metrics.json").read_text(encoding="utf-8"))
    unit = dictionary.set_index(["layer", "field"])["unit"]
    assert unit[("parties", "net_gain")] == f"{risk['currency']} ({risk['price_year']} prices)"
    assert unit[("party_fiscal_years", "amount_party")].startswith("the party's currency")
    assert unit[("zones", "eai_present_heat_residents_affected")] == "people"


def test_every_layer_has_a_csv_and_every_spatial_layer_a_geoparquet(
    exported: list[Path],
) -> None:
    folder = folder_of(exported)
    for layer, geometry in pyogrio.list_layers(folder / "bordercompact.gpkg"):
        table = pd.read_csv(folder / "csv" / f"{layer}.csv")
        assert (folder / "geoparquet" / f"{layer}.parquet").is_file() == (geometry is not None)
        if geometry == "Point":
            assert {"x", "y"} <= set(table.columns) and "geometry" not in table.columns
        elif geometry is not None:
            shapes = shapely.from_wkt(table["geometry"].dropna())
            assert len(shapes) and shapely.is_valid(shapes).all(), layer
    assert {p.relative_to(folder).as_posix() for p in exported} >= {
        "bordercompact.gpkg",
        "dictionary.csv",
        "README.md",
        "csv/parties.csv",
        "geoparquet/parties.parquet",
    }


def test_a_run_without_a_deal_or_funding_writes_only_the_earlier_layers(
    run_copy: Path, tmp_path: Path
) -> None:
    shutil.rmtree(run_copy / "negotiation")
    shutil.rmtree(run_copy / "finance")
    folder = write_open_data(run_copy, run_copy)[0].parent
    layers = {name for name, _ in pyogrio.list_layers(folder / "bordercompact.gpkg")}
    assert layers == set(ONE_TO_ONE) - LATER_LAYERS | {"parties", "return_period_losses"}
    dictionary = dictionary_of(folder)
    assert not set(dictionary["layer"]) & LATER_LAYERS
    parties = dictionary.loc[dictionary["layer"] == "parties", "field"]
    assert not {"net_gain", "own_outlay", "hosted_cost"} & set(parties)


def test_a_harmonized_run_alone_writes_its_layers_and_parties(
    run_copy: Path, tmp_path: Path
) -> None:
    for stage in ("risk", "equity", "appraisal", "negotiation", "finance"):
        shutil.rmtree(run_copy / stage)
    folder = write_open_data(run_copy, tmp_path / "out")[0].parent
    layers = {name for name, _ in pyogrio.list_layers(folder / "bordercompact.gpkg")}
    assert layers == {"parties", "assets", "zones", "facilities"}
    assert "eai" not in " ".join(dictionary_of(folder)["field"])


@pytest.mark.parametrize(
    ("damage", "named", "said"),
    [
        (lambda run: (run / "negotiation/deal.json").write_text("{", "utf-8"), "deal.json", "JSON"),
        (lambda run: (run / "finance/schedule.csv").unlink(), "schedule.csv", "no such file"),
        (
            lambda run: (run / "risk/summary.csv").write_text("scenario,party\n", "utf-8"),
            "summary.csv",
            "no column",
        ),
        (
            lambda run: (run / "risk/eai_by_asset/present/river-flood__buildings.parquet").unlink(),
            "river-flood__buildings.parquet",
            "no such file",
        ),
        (
            lambda run: (run / "equity/zones.parquet").write_bytes(b"not parquet"),
            "zones.parquet",
            "unreadable",
        ),
    ],
)
def test_a_bad_input_file_is_named_with_what_was_expected(
    run_copy: Path, tmp_path: Path, damage, named: str, said: str
) -> None:
    damage(run_copy)
    with pytest.raises(OpenDataError, match="expected") as raised:
        write_open_data(run_copy, tmp_path / "out")
    assert named in str(raised.value) and said in str(raised.value)
    assert not (tmp_path / "out" / "opendata").exists()


def test_a_text_in_a_money_column_is_named_with_its_file_column_and_row(
    run_copy: Path, tmp_path: Path
) -> None:
    path = run_copy / "finance/plan.csv"
    plan = pd.read_csv(path)
    plan["amount"] = plan["amount"].astype(object)
    plan.loc[1, "amount"] = "lots"
    plan.to_csv(path, index=False)
    with pytest.raises(OpenDataError, match=r"plan\.csv: amount: found 'lots' \(row 2"):
        write_open_data(run_copy, tmp_path / "out")


def test_a_field_missing_from_the_dictionary_stops_the_export(
    finance_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = opendata.DICTIONARY_SOURCE.read_text(encoding="utf-8")
    entry = next(line for line in source.splitlines() if line.startswith("hosted_cost ="))
    shorter = tmp_path / "dictionary.toml"
    shorter.write_text(source.replace(entry + "\n", ""), encoding="utf-8")
    monkeypatch.setattr(opendata, "DICTIONARY_SOURCE", shorter)
    with pytest.raises(OpenDataError, match="'hosted_cost' of layer 'parties'"):
        write_open_data(finance_run, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_every_field_of_an_exported_harmonized_kind_is_in_the_dictionary() -> None:
    dictionary = load_dictionary()
    for layer, kind in {"assets": "assets", "zones": "population_zones", **FEATURE_LAYERS}.items():
        for name in {f.name for f in KINDS[kind].fields} | HARMONIZED_COLUMNS:
            assert dictionary.entry(layer, name) is not None, (layer, name)


def test_writing_again_replaces_the_open_data_and_leaves_nothing_aside(
    finance_run: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / "opendata").mkdir(parents=True)
    (out / "opendata" / "stale.csv").write_text("old\n", encoding="utf-8")
    paths = write_open_data(finance_run, out)
    assert [p.name for p in out.iterdir()] == ["opendata"]
    assert not (out / "opendata" / "stale.csv").exists()
    assert all(p.is_file() and p.is_relative_to(out / "opendata") for p in paths)


def test_a_run_without_a_deal_keeps_the_appraisal_and_the_reserve(
    run_copy: Path, tmp_path: Path
) -> None:
    deal_path = run_copy / "negotiation/deal.json"
    deal = json.loads(deal_path.read_text(encoding="utf-8"))
    kept = ("found", "accepted", "players", "coalition_values", "conflict", "notes")
    deal_path.write_text(json.dumps({k: deal[k] for k in kept}), encoding="utf-8")
    finance_path = run_copy / "finance/finance.json"
    document = json.loads(finance_path.read_text(encoding="utf-8"))
    finance_path.write_text(json.dumps({"reserve": document["reserve"]}), encoding="utf-8")
    for name in ("shares", "alternatives", "parties", "climates"):
        (run_copy / f"negotiation/{name}.csv").unlink()
    for name in ("schedule", "outlay", "budgets", "plan", "over_budget", "parts"):
        (run_copy / f"finance/{name}.csv").unlink()
    folder = write_open_data(run_copy, tmp_path / "out")[0].parent
    layers = {name for name, _ in pyogrio.list_layers(folder / "bordercompact.gpkg")}
    assert {"measures_by_party", "reserve"} <= layers
    assert not layers & {"alternatives", "cost_shares", "party_fiscal_years", "funding_plan"}
    parties = pd.read_csv(folder / "csv/parties.csv", nrows=0)
    assert "net_gain" not in parties.columns and "own_outlay" not in parties.columns


def test_a_party_s_own_attribute_is_published_as_carried_through(
    run_copy: Path, tmp_path: Path
) -> None:
    path = run_copy / "layers/assets.parquet"
    table = pq.read_table(path)
    floors = pa.array(range(table.num_rows), type=pa.int64())
    pq.write_table(
        table.append_column("storey_code", floors).replace_schema_metadata(table.schema.metadata),
        path,
    )
    folder = write_open_data(run_copy, tmp_path / "out")[0].parent
    dictionary = dictionary_of(folder).set_index(["layer", "field"])
    unit, meaning = dictionary.loc[("assets", "storey_code")]
    assert unit == "as in the source"
    assert "carried through unchanged" in meaning and "region.toml" in meaning
