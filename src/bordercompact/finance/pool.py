"""The pooled cross-border disaster reserve: a year-loss table simulated from the risk
engine's event set, the capital each party would need alone against the capital of one
shared reserve, how to share that reserve, parametric layer payouts and how likely the
fund is to run dry.

Inputs are arrays, not the risk package's classes: ``frequency`` (events, per year) and
``losses`` (events × parties, region currency), as ``ImpactResult.frequency`` and
``ImpactResult.at_event_by_party`` give them, with the party ids of
``ImpactResult.parties``. The entry point is :func:`pool_comparison`, which composes the
functions below under one :class:`PoolSettings` and returns a :class:`PoolComparison`.

Risk measures are estimated on the simulated years as empirical quantiles and tail means:
with n years and a level α, the tail holds the k = ⌊n(1 − α)⌋ worst years, VaR_α is the
worst year outside it (the ⌈nα⌉-th smallest) and TVaR_α the mean of the tail. Amounts are
in the currency of the losses, per year.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from bordercompact.negotiate.game import Game, all_coalitions
from bordercompact.risk.metrics import expected_annual_impact

Measure = Literal["var", "tvar"]
#: The risk measures by which a reserve can be sized.
MEASURES: tuple[Measure, ...] = ("var", "tvar")
#: Most parties for which :func:`pool_comparison` builds the capital game (2ⁿ − 1
#: coalitions, each a quantile of the simulated years).
MAX_GAME_PARTIES = 12
#: Losses gathered at once while simulating (occurrences × parties, float64: 32 MiB); the
#: table does not depend on it.
CHUNK_VALUES = 2**22
#: n(1 − α) is rounded down after adding this, so that 100 × (1 − 0.9) counts as 10 years,
#: not 9 (1 − 0.9 is 0.09999999999999998 in binary floating point).
LEVEL_ROUNDING = 1e-9


@dataclass(frozen=True)
class YearLossTable:
    """Simulated years: ``annual`` (years × parties) is each party's loss summed over the
    year's event occurrences, ``event_count`` (years) how many occurrences each year had."""

    annual: np.ndarray = field(repr=False)
    event_count: np.ndarray = field(repr=False)

    @property
    def total(self) -> np.ndarray:
        """The year's loss summed over the parties (years)."""
        return self.annual.sum(axis=1)


@dataclass(frozen=True)
class LayerTerms:
    """A parametric layer as catastrophe pools write them, on each party's annual loss:
    ``attachment`` and ``exhaustion`` (currency per year, one amount for every party or
    one per party id; exhaustion may be ``math.inf``: no limit) and ``ceding``, the share
    of the loss between them that is paid out (0–1)."""

    attachment: float | Mapping[str, float]
    exhaustion: float | Mapping[str, float]
    ceding: float = 1.0

    def __post_init__(self) -> None:
        _check_share(self.ceding, "layer ceding")

    def amounts(self, parties: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(attachment, exhaustion) per party, in the order of ``parties``."""
        return (
            _per_party(self.attachment, parties, "layer attachment"),
            _per_party(self.exhaustion, parties, "layer exhaustion"),
        )


@dataclass(frozen=True)
class FixedContribution:
    """Replenishment: the same ``amount`` paid into the fund at the start of every year."""

    amount: float

    def __post_init__(self) -> None:
        _check_amount(self.amount, "fixed contribution amount")

    def contribution(self, fund: np.ndarray, initial_fund: float) -> np.ndarray:
        """c = amount, whatever the fund holds."""
        return np.full_like(fund, self.amount)


@dataclass(frozen=True)
class TopUp:
    """Replenishment: at the start of every year the fund is topped up to ``target``
    (None: the initial fund), by at most ``cap`` a year (default: no cap)."""

    target: float | None = None
    cap: float = math.inf

    def __post_init__(self) -> None:
        if self.target is not None:
            _check_amount(self.target, "top-up target")
        if math.isnan(self.cap) or self.cap < 0:
            raise ValueError(f"top-up cap: found {self.cap!r}; expected an amount ≥ 0")

    def contribution(self, fund: np.ndarray, initial_fund: float) -> np.ndarray:
        """c = min(max(target − F, 0), cap), F the fund before the contribution."""
        target = initial_fund if self.target is None else self.target
        return np.minimum(np.maximum(target - fund, 0.0), self.cap)


Replenishment = FixedContribution | TopUp


@dataclass(frozen=True)
class PoolSettings:
    """How :func:`pool_comparison` simulates and sizes the pool.

    ``years`` simulated (100,000 by default, so that a 1-in-100-year figure rests on 1,000
    years) with ``seed``. What the reserve pays each party each year: without a
    ``layer``, the share ``cover`` of its annual loss up to its own 1-in-
    ``return_period``-year loss (:func:`covered_loss`); with one, the layer's payouts.
    The reserve's capital is the ``reserve_measure`` of those payouts at level
    1 − 1/``return_period``: "tvar" (the default; coherent, so pooling never needs more
    capital, and the Euler allocation is exact) or "var" (pays in full up to the
    1-in-T year). ``levels``: VaR and TVaR of the payouts compared stand-alone and
    pooled. ``replenishment`` of the fund, which starts at the pooled reserve, and the
    ``horizon_years`` over which its depletion is judged.
    """

    years: int = 100_000
    seed: int = 0
    return_period: float = 100.0
    cover: float = 1.0
    reserve_measure: Measure = "tvar"
    levels: tuple[float, ...] = (0.99, 0.995)
    layer: LayerTerms | None = None
    replenishment: Replenishment = field(default_factory=lambda: FixedContribution(0.0))
    horizon_years: int = 10

    def __post_init__(self) -> None:
        _check_years(self.years)
        _check_return_period(self.return_period, "return_period")
        _check_share(self.cover, "cover")
        _check_measure(self.reserve_measure)
        for level in self.levels:
            _check_level(level)
        if not isinstance(self.horizon_years, int) or self.horizon_years < 1:
            raise ValueError(
                f"horizon_years: found {self.horizon_years!r}; expected a whole number ≥ 1"
            )

    @property
    def reserve_level(self) -> float:
        """The level of the reserve's risk measure, 1 − 1/T."""
        return 1.0 - 1.0 / self.return_period


@dataclass(frozen=True)
class CapitalComparison:
    """Capital by one risk measure at one level: each party's with a reserve of its own
    (``stand_alone``) and the one shared reserve's (``pooled``)."""

    measure: Measure
    level: float
    stand_alone: dict[str, float]
    pooled: float

    @property
    def stand_alone_total(self) -> float:
        """Σ_i ρ(X_i): the capital of all the parties' own reserves together."""
        return float(sum(self.stand_alone.values()))

    @property
    def benefit(self) -> float:
        """The diversification benefit, Σ_i ρ(X_i) − ρ(Σ_i X_i): capital pooling saves
        (≥ 0 for TVaR, which is subadditive; VaR may give less than 0)."""
        return self.stand_alone_total - self.pooled

    @property
    def benefit_share(self) -> float:
        """The benefit as a share of the stand-alone total (0 when that is 0)."""
        total = self.stand_alone_total
        return self.benefit / total if total > 0 else 0.0


@dataclass(frozen=True)
class PoolComparison:
    """What :func:`pool_comparison` finds; amounts per year in the losses' currency,
    dictionaries keyed by party id.

    ``table``: the simulated years; ``expected_annual_loss`` (analytical, Σ f L) and
    ``simulated_annual_loss`` (the table's mean) per party; ``attachment``,
    ``exhaustion`` and ``ceding``: the terms on which the reserve pays, as amounts per
    party (without a layer: 0, the 1-in-T loss and ``cover``); ``payouts`` (years ×
    parties): what the reserve pays each party each year, with ``expected_payout`` and
    ``payout_frequency`` (share of years with a payout) per party; ``capital``: VaR and
    TVaR of the payouts at each of the settings' levels, stand-alone and pooled;
    ``reserve``: the reserve's capital, stand-alone and pooled; ``contributions``: the
    pooled reserve shared among the parties, by ``"expected_loss_plus_load"`` (with
    ``risk_load_factor``) and by ``"euler"``; ``depletion_probability`` of the fund over
    ``depletion_windows`` windows of the horizon; ``game``: the capital cost game (None
    beyond :data:`MAX_GAME_PARTIES` parties).
    """

    settings: PoolSettings
    parties: tuple[str, ...]
    table: YearLossTable = field(repr=False)
    expected_annual_loss: dict[str, float]
    simulated_annual_loss: dict[str, float]
    attachment: dict[str, float]
    exhaustion: dict[str, float]
    ceding: float
    payouts: np.ndarray = field(repr=False)
    expected_payout: dict[str, float]
    payout_frequency: dict[str, float]
    capital: tuple[CapitalComparison, ...]
    reserve: CapitalComparison
    contributions: dict[str, dict[str, float]]
    risk_load_factor: float
    depletion_probability: float
    depletion_windows: int
    game: Game | None = field(repr=False)


def simulate_year_losses(
    frequency: np.ndarray, losses: np.ndarray, years: int, seed: int
) -> YearLossTable:
    """A year-loss table: ``years`` simulated years of each party's annual loss from an
    event loss table, each event occurring N_e ~ Poisson(f_e) times a year, independently,
    each occurrence its full loss: X_i = Σ_e N_e L_{e,i}.

    Drawn as N ~ Poisson(Λ) occurrences a year, Λ = Σ_e f_e, each occurrence event e with
    probability f_e / Λ, independently. This is the same process: given independent
    Poisson counts N_e, their total is Poisson(Λ) and, given the total, the counts are
    multinomial with probabilities f_e / Λ; conversely, colouring the points of a Poisson
    process independently gives independent Poisson processes (Kingman 1993, §5.1). It
    draws one number per occurrence (a few per year) instead of one per event and year.
    CLIMADA's ``util.yearsets.impact_yearset`` draws the counts the same way but picks
    the events without replacement and rescales to the expected annual impact; drawing
    with replacement needs no correction.

    Parameters
    ----------
    frequency : events, per year, ≥ 0.
    losses : events × parties, currency, ≥ 0 (``ImpactResult.at_event_by_party``).
    years : how many years to simulate, ≥ 1.
    seed : seed of the NumPy generator (PCG64); the table depends only on the inputs
        and the seed.

    References
    ----------
    Kingman, J. F. C. (1993). Poisson Processes. Oxford University Press, §5.1 (the
    colouring theorem).
    Klugman, S. A., Panjer, H. H. & Willmot, G. E. (2012). Loss Models: From Data to
    Decisions, 4th ed., Wiley, chapter 9 (the compound Poisson aggregate loss).
    """
    frequency, losses = _event_loss_table(frequency, losses)
    _check_years(years)
    rng = np.random.default_rng(seed)
    cumulative = np.cumsum(frequency)
    rate = float(cumulative[-1]) if len(cumulative) else 0.0
    counts = rng.poisson(rate, size=years)
    annual = np.zeros((years, losses.shape[1]))
    if rate == 0.0:
        return YearLossTable(annual, counts)
    # u·Λ may round up to Λ itself; such a draw belongs to the last event that can occur
    last_possible = int(np.flatnonzero(frequency)[-1])
    ends = np.cumsum(counts)
    budget = max(1, CHUNK_VALUES // max(1, losses.shape[1]))
    first = 0
    while first < years:
        drawn = int(ends[first - 1]) if first else 0
        last = max(first + 1, int(np.searchsorted(ends, drawn + budget, side="right")))
        occurrences = int(ends[last - 1]) - drawn
        first_counts = counts[first:last]
        if occurrences:
            events = np.searchsorted(cumulative, rng.random(occurrences) * rate, side="right")
            events = np.minimum(events, last_possible)
            occurring = first_counts > 0
            starts = (ends[first:last] - first_counts - drawn)[occurring]
            annual[first:last][occurring] = np.add.reduceat(losses[events], starts, axis=0)
        first = last
    return YearLossTable(annual, counts)


def expected_annual_loss(frequency: np.ndarray, losses: np.ndarray) -> np.ndarray:
    """Each party's expected annual loss, E[X_i] = Σ_e f_e L_{e,i} (currency per year;
    parties): the mean a year-loss table converges to.

    Reference: CLIMADA ``Impact.eai_exp``/``aai_agg``, here
    :func:`bordercompact.risk.metrics.expected_annual_impact`.
    """
    frequency, losses = _event_loss_table(frequency, losses)
    return np.asarray(expected_annual_impact(losses, frequency))


def annual_loss_standard_deviation(frequency: np.ndarray, losses: np.ndarray) -> np.ndarray:
    """Each party's standard deviation of the annual loss, sd[X_i] = √(Σ_e f_e L_{e,i}²)
    (currency per year; parties): each count N_e is Poisson, Var[N_e L] = f_e L², and the
    counts are independent.

    Reference: Klugman, Panjer & Willmot (2012), Loss Models, 4th ed., chapter 9: the
    variance of a compound Poisson sum is λ E[L²].
    """
    frequency, losses = _event_loss_table(frequency, losses)
    return np.sqrt(expected_annual_impact(losses**2, frequency))


def tail_years(years: int, level: float) -> int:
    """k = ⌊n(1 − α)⌋, the number of the n years in the tail beyond level α; an error
    if there is none (the table is too short for the level)."""
    _check_level(level)
    k = math.floor(years * (1.0 - level) + LEVEL_ROUNDING)
    if k < 1:
        needed = math.ceil(1.0 / (1.0 - level) - LEVEL_ROUNDING)
        raise ValueError(
            f"level {level:g}: found {years:,} simulated years; expected at least "
            f"{needed:,} so that one year lies beyond it"
        )
    return k


def value_at_risk(annual: np.ndarray, level: float) -> np.ndarray:
    """Value at risk, VaR_α(X) = X_(⌈nα⌉), the ⌈nα⌉-th smallest of the n simulated years
    (the empirical α-quantile, the inverse of the empirical distribution function), per
    column of ``annual`` (years, or years × parties; currency per year).

    The k = ⌊n(1 − α)⌋ years worse than it form the tail of :func:`tail_value_at_risk`.

    Reference: McNeil, A. J., Frey, R. & Embrechts, P. (2015). Quantitative Risk
    Management, revised ed., Princeton University Press, §2.3.2.
    """
    annual = _annual(annual)
    n = annual.shape[0]
    k = tail_years(n, level)
    # partitioned along the last axis of the transpose: faster on a years × parties table
    return np.partition(annual.T, n - k - 1, axis=-1)[..., n - k - 1]


def tail_value_at_risk(annual: np.ndarray, level: float) -> np.ndarray:
    """Tail value at risk (expected shortfall), TVaR_α(X) = (1/k) Σ_{j=1..k} X_(n−j+1),
    the mean of the k = ⌊n(1 − α)⌋ worst of the n simulated years, per column of
    ``annual`` (years, or years × parties; currency per year).

    This estimator is subadditive on every table, not only in the limit: the mean of the
    k worst years of a sum is at most the sums of each part's k worst-year means, since
    the mean of the worst k is the largest mean over any k years.

    Reference: Acerbi, C. & Tasche, D. (2002). On the coherence of expected shortfall.
    Journal of Banking & Finance 26(7), 1487–1503 (the expected shortfall of a sample
    and its coherence).
    """
    annual = _annual(annual)
    n = annual.shape[0]
    k = tail_years(n, level)
    return np.partition(annual.T, n - k - 1, axis=-1)[..., n - k :].mean(axis=-1)


def return_period_loss(annual: np.ndarray, return_period: float) -> np.ndarray:
    """The 1-in-T-year loss, VaR at level 1 − 1/T (T in years), per column of ``annual``:
    exceeded in ⌊n/T⌋ of the n simulated years."""
    _check_return_period(return_period, "return period")
    return value_at_risk(annual, 1.0 - 1.0 / return_period)


def covered_loss(annual: np.ndarray, cover: float, return_period: float) -> np.ndarray:
    """What a reserve paying the share ``cover`` of each loss up to the 1-in-T-year loss
    pays each year, cover · min(X, VaR_{1−1/T}(X)), per column of ``annual`` (years, or
    years × parties, each column capped at its own 1-in-T loss): the layer of
    :func:`layer_payout` from 0 to :func:`return_period_loss`."""
    return layer_payout(annual, 0.0, return_period_loss(annual, return_period), cover)


def risk_capital(annual: np.ndarray, level: float, measure: Measure) -> np.ndarray:
    """The capital ρ_α(X) of a reserve that pays X, by ``measure``: "var"
    (:func:`value_at_risk`: pays in full in all but the worst ⌊n(1 − α)⌋ years) or
    "tvar" (:func:`tail_value_at_risk`: holds the mean of those years), per column."""
    _check_measure(measure)
    if measure == "var":
        return value_at_risk(annual, level)
    return tail_value_at_risk(annual, level)


def capital_comparison(
    annual: np.ndarray, parties: tuple[str, ...], level: float, measure: Measure
) -> CapitalComparison:
    """Each party's capital with a reserve of its own, ρ_α(X_i), against that of one
    reserve for all, ρ_α(Σ_i X_i); ``annual`` is years × parties."""
    annual = _by_party(annual, parties)
    stand_alone = {
        party: _coalition_capital(annual, [i], level, measure) for i, party in enumerate(parties)
    }
    pooled = _coalition_capital(annual, list(range(len(parties))), level, measure)
    return CapitalComparison(measure, level, stand_alone, pooled)


def euler_contributions(annual: np.ndarray, level: float) -> np.ndarray:
    """The Euler (co-TVaR) allocation of the pooled TVaR to the parties, K_i =
    E[X_i | S in its tail], S = Σ_j X_j: party i's mean loss over the k = ⌊n(1 − α)⌋
    worst years of the pool (parties; currency per year). The K_i sum to TVaR_α(S) of
    :func:`tail_value_at_risk` exactly (up to rounding), and for coherent measures the
    Euler allocation is the one that rewards diversification consistently; here the
    shares lie in the core of :func:`capital_game` with TVaR, since each coalition's
    share is its mean over k years and its capital the largest such mean. Among years
    tied with the k-th worst, the tail takes an arbitrary but fixed selection.

    References
    ----------
    Tasche, D. (1999). Risk contributions and performance measurement. Working paper,
    TU München.
    McNeil, Frey & Embrechts (2015), Quantitative Risk Management, revised ed., §8.5
    (the Euler principle; expected shortfall contributions).
    Denault, M. (2001). Coherent allocation of risk capital. Journal of Risk 4(1), 1–34.
    """
    annual = _annual(annual)
    if annual.ndim != 2:
        raise ValueError(f"annual: found {annual.ndim} dimension(s); expected years × parties (2)")
    total = annual.sum(axis=1)
    n = total.shape[0]
    k = tail_years(n, level)
    tail = np.argpartition(total, n - k - 1)[n - k :]
    return annual[tail].mean(axis=0)


def co_tvar_allocation(annual: np.ndarray, level: float, capital: float) -> np.ndarray:
    """The capital K shared in proportion to the co-TVaR contributions K_i of
    :func:`euler_contributions`, K · K_i / Σ_j K_j (parties; zeros when Σ_j K_j is 0).
    With K the pooled TVaR at the same level this is the Euler allocation itself; with
    another K (a VaR reserve) it keeps the Euler allocation's proportions."""
    contributions = euler_contributions(annual, level)
    total = float(contributions.sum())
    return capital * contributions / total if total > 0 else contributions


def risk_load_factor(annual: np.ndarray, capital: float) -> float:
    """λ = (K − Σ_i μ_i) / Σ_i σ_i: the loading per unit of standard deviation at which
    the parties' standard-deviation-principle prices μ_i + λσ_i add up to the capital K
    (μ_i, σ_i: mean and population standard deviation of party i's simulated years).
    Below 0 when K is less than the expected losses; 0 when no party's losses vary
    (then K, a risk measure of constant years, is Σ μ_i).

    Reference: Kaas, R., Goovaerts, M., Dhaene, J. & Denuit, M. (2008). Modern Actuarial
    Risk Theory, 2nd ed., Springer, chapter 5 (premium principles: the standard
    deviation principle).
    """
    annual = _annual(annual)
    spread = float(annual.std(axis=0).sum())
    expected = float(annual.mean(axis=0).sum())
    return (capital - expected) / spread if spread > 0 else 0.0


def standard_deviation_contributions(annual: np.ndarray, capital: float) -> np.ndarray:
    """Each party's share of the capital K as expected loss plus a risk load
    proportional to its standard deviation, μ_i + λσ_i with λ of
    :func:`risk_load_factor` (so that the shares add up to K; parties)."""
    annual = _annual(annual)
    load = risk_load_factor(annual, capital)
    return annual.mean(axis=0) + load * annual.std(axis=0)


def layer_payout(
    loss: np.ndarray,
    attachment: np.ndarray | float,
    exhaustion: np.ndarray | float,
    ceding: float,
) -> np.ndarray:
    """A parametric layer's payout, ceding · min(max(L − A, 0), E − A), for a loss L
    (or a modelled index loss) with attachment A and exhaustion E (currency; E may be
    infinite); broadcast, so years × parties with A and E per party gives each party's
    payout each simulated year. Applied to annual losses, it is an annual aggregate
    layer; apply it to ``losses`` before :func:`simulate_year_losses` for one paid per
    occurrence (the same seed draws the same years).

    Reference: CCRIF SPC. Understanding CCRIF's Hurricane, Earthquake and Excess
    Rainfall Policies. Technical Paper Series #1 (attachment point, exhaustion point,
    ceding percentage).
    """
    attachment = np.asarray(attachment, dtype=np.float64)
    exhaustion = np.asarray(exhaustion, dtype=np.float64)
    if not np.all(np.isfinite(attachment) & (attachment >= 0)):
        raise ValueError(
            f"layer attachment: found {attachment.tolist()}; expected finite amounts ≥ 0"
        )
    if not np.all(exhaustion >= attachment):
        raise ValueError(
            f"layer exhaustion: found {exhaustion.tolist()} for the attachment "
            f"{attachment.tolist()}; expected exhaustion ≥ attachment"
        )
    _check_share(ceding, "layer ceding")
    excess = np.maximum(np.asarray(loss, dtype=np.float64) - attachment, 0.0)
    return ceding * np.minimum(excess, exhaustion - attachment)


def depletion_probability(
    payouts: np.ndarray, initial_fund: float, replenishment: Replenishment, horizon: int = 10
) -> float:
    """The probability that the fund cannot pay a year's payouts in full within
    ``horizon`` years, estimated over the ⌊n/horizon⌋ non-overlapping windows of the n
    simulated years (``payouts``: the pool's payouts per year, in order; currency).

    In each window the fund starts at F₀ = ``initial_fund``; every year it first
    receives the replenishment c(F) (at the start of the year, the first included),
    then pays the year's payouts P: F ← F + c(F) − P. It runs dry in the first year with
    P > F + c(F). The windows are independent, the years being so.
    """
    payouts = _annual(payouts)
    if payouts.ndim != 1:
        raise ValueError(f"payouts: found shape {payouts.shape}; expected one amount per year")
    _check_amount(initial_fund, "initial fund")
    if not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ValueError(f"horizon: found {horizon!r}; expected a whole number of years ≥ 1")
    windows = payouts.shape[0] // horizon
    if windows < 1:
        raise ValueError(
            f"payouts: found {payouts.shape[0]:,} years; expected at least one window of "
            f"{horizon} years"
        )
    paths = payouts[: windows * horizon].reshape(windows, horizon)
    fund = np.full(windows, float(initial_fund))
    dry = np.zeros(windows, dtype=bool)
    for year in range(horizon):
        fund = fund + replenishment.contribution(fund, initial_fund)
        dry |= paths[:, year] > fund
        fund = fund - paths[:, year]
    return float(dry.mean())


def capital_game(
    annual: np.ndarray, parties: tuple[str, ...], level: float, measure: Measure
) -> Game:
    """Capital allocation as a cost game: c(S) = ρ_α(Σ_{i∈S} X_i), the capital coalition
    S needs pooling only its members' losses, for every coalition (2ⁿ − 1 of them, each a
    quantile of the simulated years; ``annual`` is years × parties). Its allocations
    (:mod:`bordercompact.negotiate.allocation`: Shapley, nucleolus, …) can be set
    against :func:`euler_contributions`; with TVaR the game is subadditive and the Euler
    allocation is in its core (Denault 2001).
    """
    annual = _by_party(annual, parties)
    column = {party: index for index, party in enumerate(parties)}
    costs = {
        coalition: _coalition_capital(annual, [column[p] for p in coalition], level, measure)
        for coalition in all_coalitions(parties)
    }
    return Game(parties, "cost", costs)


def _coalition_capital(
    annual: np.ndarray, columns: list[int], level: float, measure: Measure
) -> float:
    """ρ_α of the summed columns; the one computation behind both stand-alone and pooled
    figures and the game, so that they agree to the last digit."""
    return float(risk_capital(annual[:, columns].sum(axis=1), level, measure))


def pool_comparison(
    frequency: np.ndarray, losses: np.ndarray, parties: tuple[str, ...], settings: PoolSettings
) -> PoolComparison:
    """The pooled reserve against each party holding its own, from the risk engine's
    event set (``frequency``, events per year; ``losses``, events × parties, currency;
    ``parties``, their ids, one per column).

    Simulates ``settings.years`` years (:func:`simulate_year_losses`); pays each party
    each year its :func:`covered_loss`, or with ``settings.layer`` its
    :func:`layer_payout`; compares VaR and TVaR of the payouts stand-alone and pooled
    at each of ``settings.levels`` (:func:`capital_comparison`); sizes the reserve at
    ``settings.reserve_level`` and shares the pooled reserve by
    :func:`standard_deviation_contributions` and by :func:`co_tvar_allocation` (the
    Euler allocation when the reserve is measured by TVaR); estimates the
    fund's :func:`depletion_probability` from the pooled reserve; and builds the
    :func:`capital_game` of the reserve (up to :data:`MAX_GAME_PARTIES` parties).
    """
    parties = _party_ids(parties)
    frequency, losses = _event_loss_table(frequency, losses)
    if losses.shape[1] != len(parties):
        raise ValueError(
            f"losses: found {losses.shape[1]} columns; expected one per party "
            f"({len(parties)}: {', '.join(parties)})"
        )
    table = simulate_year_losses(frequency, losses, settings.years, settings.seed)
    if settings.layer is None:
        attachment = np.zeros(len(parties))
        exhaustion = return_period_loss(table.annual, settings.return_period)
        ceding = settings.cover
    else:
        attachment, exhaustion = settings.layer.amounts(parties)
        ceding = settings.layer.ceding
    payouts = layer_payout(table.annual, attachment, exhaustion, ceding)
    capital = tuple(
        capital_comparison(payouts, parties, level, measure)
        for level in settings.levels
        for measure in MEASURES
    )
    level, measure = settings.reserve_level, settings.reserve_measure
    reserve = capital_comparison(payouts, parties, level, measure)
    pooled_payouts = payouts.sum(axis=1)
    windows = settings.years // settings.horizon_years

    def by_party(values: np.ndarray) -> dict[str, float]:
        return dict(zip(parties, map(float, values), strict=True))

    return PoolComparison(
        settings=settings,
        parties=parties,
        table=table,
        expected_annual_loss=by_party(expected_annual_loss(frequency, losses)),
        simulated_annual_loss=by_party(table.annual.mean(axis=0)),
        attachment=by_party(attachment),
        exhaustion=by_party(exhaustion),
        ceding=ceding,
        payouts=payouts,
        expected_payout=by_party(payouts.mean(axis=0)),
        payout_frequency=by_party((payouts > 0).mean(axis=0)),
        capital=capital,
        reserve=reserve,
        contributions={
            "expected_loss_plus_load": by_party(
                standard_deviation_contributions(payouts, reserve.pooled)
            ),
            "euler": by_party(co_tvar_allocation(payouts, level, reserve.pooled)),
        },
        risk_load_factor=risk_load_factor(payouts, reserve.pooled),
        depletion_probability=depletion_probability(
            pooled_payouts, reserve.pooled, settings.replenishment, settings.horizon_years
        ),
        depletion_windows=windows,
        game=(
            capital_game(payouts, parties, level, measure)
            if len(parties) <= MAX_GAME_PARTIES
            else None
        ),
    )


def _event_loss_table(frequency: np.ndarray, losses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The event loss table as float64 arrays, or an error saying what is wrong."""
    frequency = np.asarray(frequency, dtype=np.float64)
    losses = np.asarray(losses, dtype=np.float64)
    if frequency.ndim != 1:
        raise ValueError(f"frequency: found shape {frequency.shape}; expected one per event")
    if losses.ndim != 2:
        raise ValueError(f"losses: found shape {losses.shape}; expected events × parties")
    if losses.shape[1] == 0:
        raise ValueError("losses: found no columns; expected one per party")
    if losses.shape[0] != frequency.shape[0]:
        raise ValueError(
            f"losses: found {losses.shape[0]} rows for {frequency.shape[0]} event "
            "frequencies; expected one row per event"
        )
    for name, values in (("frequency", frequency), ("losses", losses)):
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            where = np.argwhere(bad)[0]
            raise ValueError(
                f"{name}: found {float(values[tuple(where)])} at {tuple(int(i) for i in where)}; "
                "expected finite values ≥ 0"
            )
    return frequency, losses


def _annual(annual: np.ndarray) -> np.ndarray:
    annual = np.asarray(annual, dtype=np.float64)
    if annual.ndim not in (1, 2) or annual.shape[0] == 0:
        raise ValueError(f"annual: found shape {annual.shape}; expected years, or years × parties")
    if not np.all(np.isfinite(annual)):
        raise ValueError("annual: found values that are not finite; expected finite amounts")
    return annual


def _by_party(annual: np.ndarray, parties: tuple[str, ...]) -> np.ndarray:
    annual = _annual(annual)
    parties = _party_ids(parties)
    if annual.ndim != 2 or annual.shape[1] != len(parties):
        raise ValueError(
            f"annual: found shape {annual.shape}; expected years × {len(parties)} parties "
            f"({', '.join(parties)})"
        )
    return annual


def _per_party(
    amount: float | Mapping[str, float], parties: tuple[str, ...], name: str
) -> np.ndarray:
    """One amount per party, from one for all or a mapping by party id."""
    if not isinstance(amount, Mapping):
        return np.full(len(parties), float(amount))
    missing = [p for p in parties if p not in amount]
    strangers = [p for p in amount if p not in parties]
    if missing or strangers:
        raise ValueError(
            f"{name}: found amounts for {', '.join(map(str, amount)) or 'no party'}; "
            f"expected one for each of {', '.join(parties)}"
        )
    return np.array([float(amount[p]) for p in parties])


def _party_ids(parties: tuple[str, ...]) -> tuple[str, ...]:
    parties = tuple(parties)
    if not parties:
        raise ValueError("parties: found none; expected at least one party id")
    repeated = sorted({p for p in parties if parties.count(p) > 1})
    if repeated:
        raise ValueError(f"parties: {', '.join(map(repr, repeated))} appears twice")
    return parties


def _check_years(years: int) -> None:
    if not isinstance(years, int | np.integer) or isinstance(years, bool) or years < 1:
        raise ValueError(f"years: found {years!r}; expected a whole number of years ≥ 1")


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level: found {level!r}; expected a probability in (0, 1)")


def _check_return_period(period: float, name: str) -> None:
    if not period > 1.0 or math.isinf(period):
        raise ValueError(f"{name}: found {period!r}; expected a finite number of years > 1")


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise ValueError(f"risk measure: found {measure!r}; expected one of {', '.join(MEASURES)}")


def _check_share(share: float, name: str) -> None:
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"{name}: found {share!r}; expected a share in [0, 1]")


def _check_amount(amount: float, name: str) -> None:
    if not math.isfinite(amount) or amount < 0:
        raise ValueError(f"{name}: found {amount!r}; expected a finite amount ≥ 0")
