"""The compact's consistency checks: the small compact passes them all, and each targeted
flaw fails exactly the check that guards it, naming the article and the numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from bordercompact.compact.checks import CheckResult, check_compact
from bordercompact.compact.model import Compact, DecisionRule, Quorum
from bordercompact.compact.render import ARTICLES, article_number
from tests.compact.compacts import small_compact

PURPOSE = f"Article {article_number('purpose')} (Purpose and vision)"
COST_SHARING = f"Article {article_number('cost_sharing')} (Sharing of costs and benefits)"
FUNDING = f"Article {article_number('funding')} (Funding)"
COMMITMENTS = f"Article {article_number('commitments')} (Financial commitments)"
MEASURES = f"Article {article_number('measures')} (Measures and responsibilities)"
MILESTONES = f"Article {article_number('milestones')} (Milestones)"
INDICATORS = f"Article {article_number('indicators')} (Performance indicators)"
GOVERNANCE = f"Article {article_number('governance')} (Governance)"
LANGUAGES = f"Article {article_number('languages')} (Languages)"
DISPUTES = f"Article {article_number('disputes')} (Settlement of disputes)"


def failures(compact: Compact) -> list[CheckResult]:
    return [r for r in check_compact(compact) if not r.passed]


def the_failure(compact: Compact) -> CheckResult:
    """The one failure of a compact with one flaw."""
    failed = failures(compact)
    assert len(failed) == 1, [str(r) for r in failed]
    return failed[0]


def the_failing_check(compact: Compact, check: str) -> list[CheckResult]:
    """The failures of a flaw that one check reports several ways; no other check fails."""
    failed = failures(compact)
    assert {r.check for r in failed} == {check}, [str(r) for r in failed]
    return failed


def with_responsibility(compact: Compact, index: int, **update: object) -> Compact:
    duties = list(compact.responsibilities)
    duties[index] = duties[index].model_copy(update=update)
    return compact.model_copy(update={"responsibilities": duties})


def with_milestone(compact: Compact, milestone_id: str, **update: object) -> Compact:
    milestones = [
        m.model_copy(update=update) if m.id == milestone_id else m for m in compact.milestones
    ]
    return compact.model_copy(update={"milestones": milestones})


def with_budget(compact: Compact, period: str, **update: object) -> Compact:
    budgets = [
        b.model_copy(update=update) if (b.party, b.period) == ("south", period) else b
        for b in compact.budgets
    ]
    return compact.model_copy(update={"budgets": budgets})


def with_governance(compact: Compact, **update: object) -> Compact:
    governance = compact.governance.model_copy(update=update)
    return compact.model_copy(update={"governance": governance})


def test_small_compact_passes_every_check() -> None:
    results = check_compact(small_compact())

    assert [str(r) for r in results if not r.passed] == []
    assert len({r.check for r in results}) == 9


# Article 5 and 6: the numbers add up to the deal, and every part is funded


def test_parts_of_a_measure_not_adding_to_one_name_the_measure_and_sum() -> None:
    compact = with_responsibility(small_compact(), 0, parts={"north": 0.6, "south": 0.3})

    first = the_failing_check(compact, "commitments_add_up")[0]

    assert first.where == COST_SHARING
    assert first.detail == "the parts of 'levee' add up to 0.900000, expected 1"


def test_cost_share_not_matching_the_parts_names_party_and_both_numbers() -> None:
    compact = small_compact()
    shares = [compact.cost_shares[0].model_copy(update={"cost_share": 850_000.0})]
    compact = compact.model_copy(update={"cost_shares": shares + compact.cost_shares[1:]})

    failed = the_failing_check(compact, "commitments_add_up")

    assert failed[0].where == COST_SHARING
    assert failed[0].detail == (
        "north's parts of the measures' costs add up to 840,000 USD, its cost share is 850,000"
    )


def test_cost_shares_not_adding_to_the_portfolio_cost_name_both_sums() -> None:
    compact = small_compact().model_copy(update={"portfolio_cost": 1_700_000.0})

    found = {r.where: r.detail for r in the_failing_check(compact, "commitments_add_up")}

    assert found == {
        COST_SHARING: "the cost shares add up to 1,600,000 USD, the portfolio costs 1,700,000",
        PURPOSE: "the measures cost 1,600,000 USD, the portfolio 1,700,000",
    }


def test_transfers_that_do_not_net_to_zero_are_named() -> None:
    compact = with_responsibility(small_compact(), 1, transfers={"north": 0.05, "south": 0.0})

    details = [r.detail for r in the_failing_check(compact, "commitments_add_up")]

    assert details[0] == (
        "the transfers on 'floodproofing' add up to 0.050000 of its cost, expected 0 "
        "(what one party pays the others receive)"
    )


def test_payers_part_without_a_funding_source_names_party_cost_and_measure() -> None:
    compact = small_compact()
    funding = [
        f for f in compact.funding if (f.measure, f.party, f.cost) != ("levee", "south", "capital")
    ]

    failure = the_failure(compact.model_copy(update={"funding": funding}))

    assert failure.where == FUNDING
    assert failure.detail == "south's part of the capital costs of 'levee' has no source"


def test_funding_per_unit_of_part_differing_between_payers_names_each_amount() -> None:
    compact = small_compact()
    funding = [
        f.model_copy(update={"amount": 300_000.0})
        if (f.measure, f.party, f.cost) == ("levee", "south", "capital")
        else f
        for f in compact.funding
    ]

    failure = the_failure(compact.model_copy(update={"funding": funding}))

    assert failure.where == FUNDING
    assert "capital costs of 'levee'" in failure.detail
    assert "north 1,000,000, south 750,000 USD" in failure.detail


# Article 4 and 8: every measure is led and scheduled


@pytest.mark.parametrize("lead", [None, "east"])
def test_measure_without_a_party_as_lead_names_measure_and_parties(lead: str | None) -> None:
    failure = the_failure(with_responsibility(small_compact(), 0, lead=lead))

    assert failure.check == "measures_have_leads"
    assert failure.where == MEASURES
    assert (
        failure.detail == f"'levee' has lead {lead!r}; expected one of the parties (north, south)"
    )


def test_measure_without_a_construction_milestone_names_missing_phases() -> None:
    compact = small_compact()
    kept = [
        m
        for m in compact.milestones
        if m.measure != "floodproofing" or m.phase not in ("construction", "commissioning")
    ]

    failure = the_failure(compact.model_copy(update={"milestones": kept}))

    assert failure.check == "measures_have_milestones"
    assert failure.where == MILESTONES
    assert failure.detail == "'floodproofing' has no milestone for construction, commissioning"


def test_dependency_cycle_names_the_milestones_in_it() -> None:
    compact = with_milestone(small_compact(), "levee:design", depends_on=["levee:commissioning"])

    failed = the_failing_check(compact, "milestone_order")
    cycle = next(r for r in failed if "cycle" in r.detail)

    assert cycle.where == MILESTONES
    assert all(f"levee:{phase}" in cycle.detail for phase in ("design", "commissioning"))


def test_milestone_starting_before_its_dependency_ends_names_both_dates() -> None:
    compact = with_milestone(small_compact(), "levee:permits", start=dt.date(2027, 4, 15))

    failure = the_failure(compact)

    assert failure.where == MILESTONES
    assert failure.detail == (
        "levee:permits starts on 2027-04-15, not after levee:design ends on 2027-04-30"
    )


def test_milestone_before_entry_into_force_names_both_dates() -> None:
    compact = small_compact().model_copy(update={"entry_into_force": dt.date(2027, 2, 1)})

    failure = the_failure(compact)

    assert failure.where == MILESTONES
    assert failure.detail == (
        "levee:design starts on 2027-01-15, before the compact enters into force on 2027-02-01"
    )


def test_construction_outside_the_construction_years_names_dates_and_years() -> None:
    failure = the_failure(with_responsibility(small_compact(), 0, construction_years=[2029]))

    assert failure.where == MILESTONES
    assert failure.detail == (
        "levee:construction runs 2028-01-15–2028-11-30, outside its construction years 2029–2029"
    )


# Article 9: every indicator can be measured


@pytest.mark.parametrize(
    ("field", "value", "missing"),
    [
        ("baseline", None, "baseline"),
        ("owner", None, "owner"),
        ("review_dates", [], "review dates"),
    ],
)
def test_indicator_without_what_measuring_needs_names_it(
    field: str, value: object, missing: str
) -> None:
    compact = small_compact()
    indicators = [compact.indicators[0].model_copy(update={field: value}), compact.indicators[1]]

    failure = the_failure(compact.model_copy(update={"indicators": indicators}))

    assert failure.where == INDICATORS
    assert failure.detail == f"indicator 'avoided-loss' has no {missing}"


# Article 7: budgets are kept or the excess recorded


def test_period_over_budget_not_recorded_as_exceeded_names_both_amounts() -> None:
    failure = the_failure(with_budget(small_compact(), "FY2027", exceeded=False))

    assert failure.where == COMMITMENTS
    assert failure.detail == (
        "south's capital commitments in FY2027, 2,000,000, exceed its budget of 1,500,000, "
        "but the compact records no excess"
    )


def test_budget_commitments_not_the_yearly_commitments_name_both_amounts() -> None:
    failure = the_failure(with_budget(small_compact(), "FY2027–2028", commitments=7_000_000.0))

    assert failure.where == COMMITMENTS
    assert failure.detail == (
        "south's capital commitments in FY2027–2028 are 8,000,000 in the yearly table, "
        "7,000,000 beside its budget"
    )


# Article 3: the board can decide


def test_unanimity_with_an_unseated_party_names_it() -> None:
    compact = with_governance(
        small_compact(),
        seats={"north": 3, "south": 0},
        chair_order=["north"],
        quorum=Quorum(seats=2, every_party=False),
    )

    failure = the_failure(compact)

    assert failure.where == GOVERNANCE
    assert failure.detail == "unanimity of the parties, but south has no seat"


def test_quorum_larger_than_the_board_names_both_numbers() -> None:
    failure = the_failure(with_governance(small_compact(), quorum=Quorum(seats=5)))

    assert failure.where == GOVERNANCE
    assert failure.detail == "a quorum of 5 seats, but the board has 4"


def test_quorum_of_every_party_with_an_unseated_party_names_it() -> None:
    compact = with_governance(
        small_compact(),
        seats={"north": 3, "south": 0},
        chair_order=["north"],
        decision=DecisionRule(rule="qualified_majority", threshold=0.75),
        quorum=Quorum(seats=2, every_party=True),
    )

    failure = the_failure(compact)

    assert failure.where == GOVERNANCE
    assert failure.detail == "every party must be present, but south has no seat"


def test_qualified_majority_of_half_or_less_names_the_threshold() -> None:
    decision = DecisionRule(rule="qualified_majority", threshold=0.5)

    failure = the_failure(with_governance(small_compact(), decision=decision))

    assert failure.where == GOVERNANCE
    assert failure.detail == "a qualified majority of 0.5; expected more than 0.5, at most 1"


# Article 14 and every article: the compact exists in each of its languages


def test_text_missing_a_language_names_its_article_and_the_language() -> None:
    compact = with_responsibility(small_compact(), 0, name={"en": "Levee"})

    failure = the_failure(compact)

    assert failure.check == "every_language"
    assert failure.where == MEASURES
    assert failure.detail == "the name of levee is not given in 'es'"


def test_language_without_a_catalog_fails_every_article() -> None:
    compact = small_compact().model_copy(update={"languages": ["en", "es", "it"]})

    failed = the_failing_check(compact, "every_language")
    untranslated = [r for r in failed if "not translated into 'it'" in r.detail]

    # every article, and the preamble and signatures (counted with Article 14)
    assert [r.article for r in untranslated] == [*ARTICLES, "languages"]
    assert untranslated[-1].detail.startswith("the preamble and signatures: ")
    assert "the name of levee is not given in 'it'" in [r.detail for r in failed]


def test_prevailing_language_not_among_the_languages_names_it() -> None:
    compact = small_compact()
    final = compact.final.model_copy(update={"prevailing_language": "fr"})

    failure = the_failure(compact.model_copy(update={"final": final}))

    assert failure.where == LANGUAGES
    assert failure.detail == "the prevailing language 'fr' is not one of ['en', 'es']"


# Article 12: every dispute step has a deadline, in order


def test_dispute_step_without_days_names_the_step() -> None:
    compact = small_compact()
    steps = [
        s.model_copy(update={"days": None}) if s.step == "mediation" else s
        for s in compact.disputes
    ]

    failure = the_failure(compact.model_copy(update={"disputes": steps}))

    assert failure.where == DISPUTES
    assert failure.detail == "mediation has no time limit"


def test_dispute_steps_out_of_order_name_both_orders() -> None:
    compact = small_compact()
    steps = list(reversed(compact.disputes))

    failure = the_failure(compact.model_copy(update={"disputes": steps}))

    assert failure.where == DISPUTES
    assert failure.detail == (
        "steps in the order arbitration, mediation, consultation; expected "
        "consultation, mediation, arbitration"
    )


def test_a_hyphen_in_a_biennial_period_reads_as_the_en_dash() -> None:
    compact = small_compact()
    budgets = [b.model_copy(update={"period": b.period.replace("–", "-")}) for b in compact.budgets]

    assert not failures(compact.model_copy(update={"budgets": budgets}))


def test_a_missing_milestone_leaves_the_leads_check_passing() -> None:
    compact = small_compact()
    milestones = [m for m in compact.milestones if m.id != "levee:construction"]
    results = check_compact(compact.model_copy(update={"milestones": milestones}))

    passed = {r.check for r in results if r.passed}
    assert "measures_have_leads" in passed and "measures_have_milestones" not in passed
