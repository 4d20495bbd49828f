"""risk.toml: a valid set-up parses; each mistake is one problem naming its key and entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercompact.region.load import load_region
from bordercompact.region.problems import InvalidRegionError, Problem, ProblemLog
from bordercompact.risk.config import (
    PRESENT,
    RiskConfig,
    input_files,
    load_risk_config,
    read_risk_config,
)

# Valid for the mini region (tests/mini_region.py): parties north, south and authority;
# datasets north-buildings and south-buildings (assets), north-zones (population_zones).
VALID = """\
[settings]
return_periods = [10, 100]
functions = "risk/curves.csv"

[[hazards]]
id = "river-flood"
haz_type = "FL"
unit = "m"
name = { en = "River flood" }
[hazards.hand_flood]
hand = "authority/hand.tif"
return_periods = [10, 100]
gumbel_location_m3s = 1000
gumbel_scale_m3s = 300
rating_coefficient = 0.2
rating_exponent = 0.6

[[hazards]]
id = "heat"
haz_type = "HW"
unit = "degC"
[hazards.daily_series]
path = "authority/tmax.csv"
date_column = "date"
value_column = "tmax"
threshold = 35
terrain = "authority/dem.tif"

[[exposures]]
id = "buildings"
kind = "assets"
datasets = ["north-buildings", "south-buildings"]
value = "value"
unit = "USD"
value_factor_by_party = { north = 1.1 }

[[exposures.impacts]]
hazard = "river-flood"
by_field = "occupancy"
impact_functions = { RES1 = 102, COM1 = 202 }
default_function = 102

[[exposures]]
id = "people"
kind = "population_zones"
value = "population"
unit = "people"

[[exposures.impacts]]
hazard = "heat"
impact_function = 1
result = "affected"

[[methodologies]]
party = "south"
functions = "south/curvas.csv"

[[methodologies.impacts]]
exposure = "buildings"
hazard = "river-flood"
impact_function = 1

[[scenarios]]
id = "rcp85-2050"
hazard_changes = "scenarios/hazard.csv"
exposure_growth = "scenarios/exposure.csv"
"""


def problems_of(root: Path, text: str) -> list[Problem]:
    """The problems of ``text`` as the region's risk.toml (read_risk_config gives None)."""
    (root / "risk.toml").write_text(text, encoding="utf-8")
    problems = ProblemLog()
    assert read_risk_config(load_region(root), problems) is None
    assert problems.problems, "expected at least one problem"
    return problems.problems


def broken(old: str, new: str) -> str:
    """VALID with one piece of text replaced (which must be there)."""
    assert old in VALID, f"{old!r} not in VALID"
    return VALID.replace(old, new, 1)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [p.message for p in problems]
    return problems[0]


def test_a_valid_risk_config_parses(mini_region: Path) -> None:
    (mini_region / "risk.toml").write_text(VALID, encoding="utf-8")
    problems = ProblemLog()
    config = read_risk_config(load_region(mini_region), problems)
    assert problems.problems == []
    assert isinstance(config, RiskConfig)
    assert config.settings.return_periods == [10.0, 100.0]
    assert config.settings.max_distance_km == 1.0
    assert [h.id for h in config.hazards] == ["river-flood", "heat"]
    assert config.hazard("river-flood").source == "hand_flood"
    assert config.hazard("river-flood").hand_flood.reference_discharge_m3s == 0.0  # type: ignore[union-attr]
    heat = config.hazard("heat").daily_series
    assert heat is not None and (heat.block, heat.lapse_rate_per_km) == (1, 6.5)
    people = config.exposure("people")
    assert (people.datasets, people.value_factor, people.impacts[0].result) == (
        None,
        1.0,
        "affected",
    )
    assert config.exposure("buildings").impacts[0].result == "impact"
    assert [m.party for m in config.methodologies] == ["south"]
    assert [s.id for s in config.scenarios] == ["rcp85-2050"]


def test_load_risk_config_returns_the_valid_config(mini_region: Path) -> None:
    (mini_region / "risk.toml").write_text(VALID, encoding="utf-8")
    config = load_risk_config(load_region(mini_region))
    assert [e.id for e in config.exposures] == ["buildings", "people"]


def test_load_risk_config_raises_with_every_problem(mini_region: Path) -> None:
    text = broken('party = "south"', 'party = "west"').replace(
        'id = "rcp85-2050"', f'id = "{PRESENT}"'
    )
    (mini_region / "risk.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InvalidRegionError) as caught:
        load_risk_config(load_region(mini_region))
    codes = [p.code for p in caught.value.problems.errors]
    assert codes == ["risk-config-reference", "risk-config-reference"]


def test_a_missing_risk_config_is_reported(mini_region: Path) -> None:
    problems = ProblemLog()
    assert read_risk_config(load_region(mini_region), problems) is None
    problem = only(problems.problems)
    assert problem.code == "missing-risk-config"
    assert problem.file == str(mini_region / "risk.toml")
    assert problem.found == "no such file"
    assert "docs/risk-config.md" in problem.expected


def test_a_toml_syntax_error_is_reported(mini_region: Path) -> None:
    problem = only(problems_of(mini_region, broken('unit = "m"', 'unit = "m')))
    assert problem.code == "risk-config-syntax"
    assert problem.file == str(mini_region / "risk.toml")
    assert "unreadable TOML" in problem.found


def test_a_risk_config_that_is_not_utf8_is_a_syntax_error(mini_region: Path) -> None:
    (mini_region / "risk.toml").write_bytes(VALID.replace("River", "Rí\xado").encode("latin-1"))
    problems = ProblemLog()
    assert read_risk_config(load_region(mini_region), problems) is None
    assert only(problems.problems).code == "risk-config-syntax"


def test_an_unknown_key_names_the_dotted_key_and_the_hazard(mini_region: Path) -> None:
    text = broken("rating_exponent = 0.6\n", "rating_exponent = 0.6\nmanning_n = 0.035\n")
    problem = only(problems_of(mini_region, text))
    assert problem.code == "risk-config-schema"
    assert problem.field == "hazards[0].hand_flood.manning_n"
    assert problem.features == ("river-flood",)
    assert problem.found == "an unknown key"
    assert "river-flood" in problem.message and "manning_n" in problem.message


def test_an_unknown_settings_key_names_the_key(mini_region: Path) -> None:
    problem = only(problems_of(mini_region, broken("[settings]\n", "[settings]\ncurrency = 1\n")))
    assert (problem.code, problem.field, problem.features) == (
        "risk-config-schema",
        "settings.currency",
        (),
    )


def test_a_misspelt_exposure_key_is_reported_as_unknown_and_the_right_one_as_missing(
    mini_region: Path,
) -> None:
    problems = problems_of(mini_region, broken('unit = "people"', 'units = "people"'))
    by_field = {p.field: p for p in problems}
    assert set(by_field) == {"exposures[1].units", "exposures[1].unit"}
    assert by_field["exposures[1].unit"].found == "nothing"
    assert all(p.features == ("people",) for p in problems)


def test_two_sources_for_one_hazard_are_refused(mini_region: Path) -> None:
    text = broken(
        'terrain = "authority/dem.tif"\n',
        'terrain = "authority/dem.tif"\n[hazards.climada_hdf5]\npath = "heat.hdf5"\n',
    )
    problem = only(problems_of(mini_region, text))
    assert problem.code == "risk-config-schema"
    assert problem.field == "hazards[1]"
    assert problem.features == ("heat",)
    assert problem.found == "2 sources (daily_series, climada_hdf5)"
    assert problem.expected.startswith("exactly one of hand_flood, daily_series")


def test_a_hazard_without_a_source_is_refused(mini_region: Path) -> None:
    text = VALID.replace(VALID[VALID.index("[hazards.daily_series]") : VALID.index("[[exp")], "")
    problem = only(problems_of(mini_region, text))
    assert (problem.code, problem.field, problem.features) == (
        "risk-config-schema",
        "hazards[1]",
        ("heat",),
    )
    assert problem.found == "0 sources (none)"


def test_an_impact_without_function_or_field_is_refused(mini_region: Path) -> None:
    problem = only(problems_of(mini_region, broken("impact_function = 1\nresult", "result")))
    assert problem.code == "risk-config-schema"
    assert problem.field == "exposures[1].impacts[0]"
    assert problem.features == ("people",)
    assert problem.found == "neither"
    assert "impact_function" in problem.expected and "by_field" in problem.expected


def test_an_impact_with_both_function_and_field_is_refused(mini_region: Path) -> None:
    text = broken("default_function = 102\n", "default_function = 102\nimpact_function = 3\n")
    problem = only(problems_of(mini_region, text))
    assert (problem.field, problem.found) == (
        "exposures[0].impacts[0]",
        "both impact_function and by_field",
    )


def test_by_field_without_any_function_ids_is_refused(mini_region: Path) -> None:
    text = broken("impact_functions = { RES1 = 102, COM1 = 202 }\ndefault_function = 102\n", "")
    problem = only(problems_of(mini_region, text))
    assert problem.field == "exposures[0].impacts[0]"
    assert problem.found == "by_field 'occupancy' without impact_functions or default_function"


def test_decreasing_flood_return_periods_are_refused(mini_region: Path) -> None:
    text = VALID.replace("return_periods = [10, 100]\ngumbel", "return_periods = [100, 10]\ngumbel")
    problem = only(problems_of(mini_region, text))
    assert problem.field == "hazards[0].hand_flood"
    assert "strictly increasing" in problem.expected


def test_an_exposure_naming_an_unknown_hazard_is_a_reference_error(mini_region: Path) -> None:
    problem = only(
        problems_of(mini_region, broken('hazard = "heat"\nimpact', 'hazard = "wind"\nimpact'))
    )
    assert problem.code == "risk-config-reference"
    assert problem.field == "exposures[1].impacts[0].hazard"
    assert problem.features == ("people",)
    assert problem.found == "hazard 'wind'"
    assert problem.expected == "one of the hazards: heat, river-flood"


def test_a_dataset_of_the_wrong_kind_is_a_reference_error(mini_region: Path) -> None:
    text = broken('"north-buildings", "south-buildings"', '"north-buildings", "north-zones"')
    problem = only(problems_of(mini_region, text))
    assert problem.code == "risk-config-reference"
    assert problem.field == "exposures[0].datasets"
    assert problem.features == ("buildings",)
    assert problem.found == "dataset 'north-zones' of kind 'population_zones'"
    assert problem.expected == "a dataset of kind 'assets' in region.toml"


def test_an_unknown_dataset_is_a_reference_error(mini_region: Path) -> None:
    problem = only(problems_of(mini_region, broken('"south-buildings"]', '"south-edificios"]')))
    assert (problem.code, problem.found) == ("risk-config-reference", "dataset 'south-edificios'")


def test_an_unknown_party_in_value_factor_by_party_is_a_reference_error(
    mini_region: Path,
) -> None:
    problem = only(problems_of(mini_region, broken("{ north = 1.1 }", "{ nord = 1.1 }")))
    assert problem.code == "risk-config-reference"
    assert problem.field == "exposures[0].value_factor_by_party"
    assert problem.features == ("buildings",)
    assert problem.found == "party 'nord'"
    assert problem.expected == "one of authority, north, south"


def test_an_unknown_party_in_a_methodology_is_a_reference_error(mini_region: Path) -> None:
    problem = only(problems_of(mini_region, broken('party = "south"', 'party = "sur"')))
    assert problem.code == "risk-config-reference"
    assert problem.field == "methodologies[0].party"
    assert problem.found == "party 'sur'"


def test_a_methodology_for_a_risk_line_that_does_not_exist_is_a_reference_error(
    mini_region: Path,
) -> None:
    # buildings are only exposed to the flood, not to heat
    text = broken(
        'exposure = "buildings"\nhazard = "river-flood"', 'exposure = "buildings"\nhazard = "heat"'
    )
    problem = only(problems_of(mini_region, text))
    assert problem.code == "risk-config-reference"
    assert problem.field == "methodologies[0].impacts[0]"
    assert problem.features == ("south",)
    assert problem.found == "exposure 'buildings' × hazard 'heat'"


def test_a_methodology_for_an_unknown_exposure_is_a_reference_error(mini_region: Path) -> None:
    problem = only(problems_of(mini_region, broken('exposure = "buildings"', 'exposure = "roads"')))
    assert problem.found == "exposure 'roads' × hazard 'river-flood'"


@pytest.mark.parametrize(
    ("old", "new", "section", "duplicate"),
    [
        ('id = "heat"', 'id = "river-flood"', "hazards", "river-flood"),
        ('id = "people"', 'id = "buildings"', "exposures", "buildings"),
    ],
)
def test_a_duplicate_id_is_a_reference_error(
    mini_region: Path, old: str, new: str, section: str, duplicate: str
) -> None:
    problems = problems_of(mini_region, broken(old, new))
    twice = [p for p in problems if p.field == f"{section}.id"]
    assert len(twice) == 1
    assert twice[0].code == "risk-config-reference"
    assert twice[0].found == f"id {duplicate!r} twice"
    assert twice[0].features == (duplicate,)


def test_a_duplicate_scenario_id_is_a_reference_error(mini_region: Path) -> None:
    text = VALID + '\n[[scenarios]]\nid = "rcp85-2050"\n'
    problem = only(problems_of(mini_region, text))
    assert (problem.code, problem.field, problem.found) == (
        "risk-config-reference",
        "scenarios.id",
        "id 'rcp85-2050' twice",
    )


def test_a_scenario_called_present_is_a_reference_error(mini_region: Path) -> None:
    problem = only(problems_of(mini_region, broken('id = "rcp85-2050"', 'id = "present"')))
    assert problem.code == "risk-config-reference"
    assert problem.field == "scenarios.id"
    assert problem.found == "scenario id 'present'"
    assert "always computed" in problem.expected


def test_every_reference_error_is_reported_in_one_pass(mini_region: Path) -> None:
    text = (
        broken("{ north = 1.1 }", "{ nord = 1.1 }")
        .replace('party = "south"', 'party = "sur"')
        .replace('id = "rcp85-2050"', 'id = "present"')
    )
    fields = {p.field for p in problems_of(mini_region, text)}
    assert fields == {
        "exposures[0].value_factor_by_party",
        "methodologies[0].party",
        "scenarios.id",
    }


def test_input_files_list_risk_toml_first_and_every_file_it_names(mini_region: Path) -> None:
    (mini_region / "risk.toml").write_text(VALID, encoding="utf-8")
    region = load_region(mini_region)
    files = input_files(region, load_risk_config(region))
    assert files[0] == mini_region / "risk.toml"
    assert sorted(files[1:]) == sorted(
        mini_region / name
        for name in (
            "risk/curves.csv",
            "authority/hand.tif",
            "authority/tmax.csv",
            "authority/dem.tif",
            "south/curvas.csv",
            "scenarios/hazard.csv",
            "scenarios/exposure.csv",
        )
    )


def test_input_files_name_the_three_tables_of_a_tables_hazard(mini_region: Path) -> None:
    text = VALID.replace(
        VALID[VALID.index("[hazards.daily_series]") : VALID.index("[[exp")],
        '[hazards.tables]\ncentroids = "heat/c.csv"\nevents = "heat/e.csv"\n'
        'intensity = "heat/i.csv"\n\n',
    )
    (mini_region / "risk.toml").write_text(text, encoding="utf-8")
    region = load_region(mini_region)
    files = input_files(region, load_risk_config(region))
    assert {mini_region / "heat" / n for n in ("c.csv", "e.csv", "i.csv")} <= set(files)


def test_a_flood_return_period_of_a_year_or_less_is_refused(mini_region: Path) -> None:
    # an annual maximum is exceeded at most once a year: T = 1 has no Gumbel quantile
    text = VALID.replace("return_periods = [10, 100]\ngumbel", "return_periods = [1, 100]\ngumbel")
    problem = only(problems_of(mini_region, text))
    assert problem.code == "risk-config-schema"
    assert problem.field == "hazards[0].hand_flood.return_periods[0]"


def test_two_impacts_of_one_hazard_and_result_are_refused(mini_region: Path) -> None:
    twice = '[[exposures.impacts]]\nhazard = "heat"\nimpact_function = 1\nresult = "affected"\n'
    assert twice in VALID
    problem = only(problems_of(mini_region, VALID.replace(twice, twice + "\n" + twice)))
    assert problem.code == "risk-config-reference"
    assert problem.features == ("people",)
    assert problem.found == "two impacts of hazard 'heat' with result 'affected'"


def test_money_in_another_currency_than_the_regions_is_refused(mini_region: Path) -> None:
    # harmonized money is in the region currency (USD here): a EUR label would mislead
    problem = only(
        problems_of(
            mini_region, broken('value = "value"\nunit = "USD"', 'value = "value"\nunit = "EUR"')
        )
    )
    assert problem.code == "risk-config-reference"
    assert problem.field == "exposures[0].unit"
    assert problem.expected == "'USD': harmonized money is in the region currency"
