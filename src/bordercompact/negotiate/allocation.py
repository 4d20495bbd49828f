"""How to share a cooperative game's cost or gain among its players, each method one
function citing its source, and the core by which to judge the results.

Amounts are in the game's own kind: a cost game's allocation gives cost shares x_i with
Σ x_i = c(N), a value game's gives payoffs with Σ x_i = v(N). A coalition's excess is
what it would gain by leaving: e(S) = x(S) − c(S) for cost shares, v(S) − x(S) for
payoffs; an allocation is in the core when no coalition has a positive excess. The
linear programs work on the value form, a cost game c being the value game −c with
payoffs −x (every excess is unchanged), on amounts scaled to the largest |c(S)|.

Games may be partial: each function uses only the coalitions its formula needs and,
when some are not known, returns ``shares=None`` and names them in ``missing``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from scipy.optimize import linprog

from bordercompact.negotiate.game import Game, GameError, all_coalitions

#: The allocation methods of ``allocate_all``, in the order they are reported.
METHODS = ("shapley", "nucleolus", "scrb", "proportional", "equal_surplus", "nash")
#: Relative tolerance (of the largest |c(S)| or |v(S)|) below which amounts count as equal.
TOLERANCE = 1e-6
#: Above this many players the methods that need every coalition are not attempted.
MAX_EXACT_PLAYERS = 20
#: A dual value above this marks a coalition whose excess is the same in every optimal
#: solution of a nucleolus LP (complementary slackness).
DUAL_THRESHOLD = 1e-9


@dataclass(frozen=True)
class Allocation:
    """One method's allocation. ``shares`` maps each player to its amount in the game's
    kind (cost share or payoff), None when the method cannot be computed; ``missing``
    names the coalitions it needs that the game does not give; ``note`` says why there
    are no shares when no coalition is missing (the method is undefined for this game)."""

    method: str
    shares: dict[str, float] | None = field(hash=False)
    missing: tuple[frozenset[str], ...] = ()
    note: str | None = None


class SampledShapley(NamedTuple):
    """Shapley values estimated by sampling, each with its 95 % confidence half-width."""

    shares: dict[str, float]
    half_width: dict[str, float]


def shapley(game: Game) -> Allocation:
    """The Shapley value: each player's marginal contribution averaged over all orders
    in which the grand coalition could form,

        φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)),

    with v = c for a cost game (the value is linear, so this gives the cost shares
    directly; they equal c({i}) minus the Shapley value of the savings game). Needs
    every coalition; 2ⁿ values, so for more than about 12 players use
    :func:`shapley_sampled`.

    References
    ----------
    Shapley, L. S. (1953). A value for n-person games. In H. W. Kuhn and A. W. Tucker
    (eds), Contributions to the Theory of Games II, Annals of Mathematics Studies 28,
    Princeton University Press, 307–317.
    """
    lacking = _lacking_any("shapley", game)
    if lacking is not None:
        return lacking
    n = len(game.players)
    table = _table(game)
    masks = np.arange(2**n)
    sizes = np.array([m.bit_count() for m in range(2**n)])
    weight = np.array([math.factorial(s) * math.factorial(n - s - 1) for s in range(n)], float)
    weight /= math.factorial(n)
    shares = {}
    for index, player in enumerate(game.players):
        bit = 1 << index
        without = masks[(masks & bit) == 0]
        shares[player] = float(
            np.sum(weight[sizes[without]] * (table[without | bit] - table[without]))
        )
    return Allocation("shapley", shares)


def shapley_sampled(
    game_value_fn: Callable[[frozenset[str]], float],
    players: Sequence[str],
    samples: int,
    seed: int | None = None,
) -> SampledShapley:
    """The Shapley value estimated from ``samples`` random orders of the players: for
    each order, every player's marginal contribution v(P ∪ {i}) − v(P), P the players
    before it; the estimate is the mean over orders and the half-width of its 95 %
    confidence interval 1.96 · s / √m (s the sample standard deviation, m the number of
    orders; normal approximation). ``game_value_fn`` gives c(S) or v(S) of any
    non-empty coalition (the empty one is 0) and is called once per distinct coalition.
    Every order's contributions add up to v(N), so the estimates do too.

    References
    ----------
    Castro, J., Gómez, D., Tejada, J. (2009). Polynomial calculation of the Shapley
    value based on sampling. Computers & Operations Research 36(5), 1726–1730.
    """
    ids = list(players)
    if not ids or len(set(ids)) != len(ids):
        raise GameError(f"players: found {ids!r}; expected distinct player ids")
    if samples < 2:
        raise GameError(f"samples: found {samples}; expected at least 2 orders")
    known: dict[frozenset[str], float] = {frozenset(): 0.0}

    def worth(coalition: frozenset[str]) -> float:
        if coalition not in known:
            known[coalition] = float(game_value_fn(coalition))
        return known[coalition]

    rng = np.random.default_rng(seed)
    contributions = np.empty((samples, len(ids)))
    for row in range(samples):
        before: frozenset[str] = frozenset()
        for index in rng.permutation(len(ids)):
            joined = before | {ids[index]}
            contributions[row, index] = worth(joined) - worth(before)
            before = joined
    mean = contributions.mean(axis=0)
    half = 1.96 * contributions.std(axis=0, ddof=1) / math.sqrt(samples)
    return SampledShapley(
        dict(zip(ids, map(float, mean), strict=True)),
        dict(zip(ids, map(float, half), strict=True)),
    )


def nucleolus(game: Game) -> Allocation:
    """The nucleolus: the imputation (no player worse off than alone) that makes the
    largest excess as small as possible, then the next largest, and so on
    (lexicographically), found by a sequence of linear programs. Each LP minimises the
    largest excess t of the coalitions not yet fixed, those fixed keeping the excess of
    the level at which they were fixed; after it, the coalitions whose constraint has a
    positive dual value are fixed at t, these being tight in every optimal solution
    (complementary slackness; the duals sum to 1, so at least one is fixed), and the
    coalitions whose excess the fixed ones determine are set aside. It ends when the
    fixed coalitions determine the allocation, after at most n − 1 LPs.

    This avoids the mistakes Guajardo & Jörnsten (2015) list: fixing every coalition
    that is tight in one optimal solution (it may not be tight in all of them), stopping
    after the first LP (the least core is a set, not a point), and dropping the
    individual rationality bounds (that gives the prenucleolus, which differs when the
    core is empty). Needs every coalition, and a non-empty imputation set: a cost game
    with c(N) ≤ Σ c({i}), a value game with v(N) ≥ Σ v({i}).

    References
    ----------
    Schmeidler, D. (1969). The nucleolus of a characteristic function game. SIAM
    Journal on Applied Mathematics 17(6), 1163–1170.
    Kohlberg, E. (1971). On the nucleolus of a characteristic function game. SIAM
    Journal on Applied Mathematics 20(1), 62–66.
    Maschler, M., Peleg, B., Shapley, L. S. (1979). Geometric properties of the kernel,
    nucleolus, and related solution concepts. Mathematics of Operations Research 4(4),
    303–338.
    Guajardo, M., Jörnsten, K. (2015). Common mistakes in computing the nucleolus.
    European Journal of Operational Research 241(3), 931–935.
    """
    lacking = _lacking_any("nucleolus", game)
    if lacking is not None:
        return lacking
    form = _value_form(game)
    alone = form.table[[1 << i for i in range(form.n)]]
    if alone.sum() > form.table[-1] + TOLERANCE:
        surplus = form.sign * (form.table[-1] - alone.sum()) * form.scale
        return Allocation(
            "nucleolus",
            None,
            note=(
                f"no imputation: the grand coalition {'costs' if form.sign < 0 else 'is worth'} "
                f"{abs(surplus):,.6g} {'more' if form.sign < 0 else 'less'} than the players "
                "alone, so no allocation leaves every player at least as well off as alone"
            ),
        )
    if alone.sum() >= form.table[-1] - TOLERANCE:  # inessential: one imputation
        payoff = alone + (form.table[-1] - alone.sum()) / form.n
        return Allocation("nucleolus", form.shares(game, payoff))
    fixed: list[tuple[int, float]] = []  # (coalition mask, its excess), independent rows
    free = list(range(1, 2**form.n - 1))
    payoff = alone
    for _iteration in range(form.n):
        if not free:
            break
        rows = np.array([np.ones(form.n), *(form.incidence(m) for m, _ in fixed)])
        targets = np.array([form.table[-1], *(form.table[m] - e for m, e in fixed)])
        level, payoff, duals = _minimise_largest_excess(form, free, rows, targets, lower=alone)
        for mask, dual in zip(free, duals, strict=True):
            if dual > DUAL_THRESHOLD and mask in _undetermined(form, [mask], rows):
                fixed.append((mask, level))
                rows = np.vstack([rows, form.incidence(mask)])
        free = _undetermined(form, free, rows)
    if free:
        raise GameError("the nucleolus linear programs did not converge")
    return Allocation("nucleolus", form.shares(game, payoff))


def least_core(game: Game) -> tuple[float | None, Allocation]:
    """The least core: the smallest ε such that some allocation x (summing to c(N) or
    v(N)) leaves no coalition an excess above ε, and one such allocation. The core is
    non-empty exactly when ε ≤ 0; a positive ε is what every coalition would have to be
    charged (cost game) or forgo (value game) for the core to exist. ε is in the game's
    units. Needs every coalition; (None, shares None) otherwise.

    References
    ----------
    Maschler, M., Peleg, B., Shapley, L. S. (1979). Geometric properties of the kernel,
    nucleolus, and related solution concepts. Mathematics of Operations Research 4(4),
    303–338.
    """
    lacking = _lacking_any("least_core", game)
    if lacking is not None:
        return None, lacking
    form = _value_form(game)
    free = list(range(1, 2**form.n - 1))
    if not free:
        return 0.0, Allocation("least_core", form.shares(game, form.table[[-1]]))
    level, payoff, _ = _minimise_largest_excess(
        form, free, np.ones((1, form.n)), form.table[[-1]], lower=None
    )
    return level * form.scale, Allocation("least_core", form.shares(game, payoff))


def scrb(game: Game, benefits: Mapping[str, float] | None = None) -> Allocation:
    """Separable costs, remaining benefits (SCRB), the US federal method for
    multipurpose water projects. Each player i pays its separable cost
    SC_i = c(N) − c(N∖{i}) (what it adds when joining last) and a share of the
    non-separable cost NSC = c(N) − Σ SC_j in proportion to its remaining benefit
    r_i = a_i − SC_i, where a_i, the justifiable (alternative) cost, is its stand-alone
    cost c({i}), or min(b_i, c({i})) when ``benefits`` b_i are given (no one is charged
    more than its benefit):

        x_i = SC_i + NSC · r_i / Σ r_j.

    Needs the singletons, N and every N∖{i}. A value game v (net benefits) is the cost
    game c(S) = Σ_{i∈S} b_i − v(S) with b the ``benefits`` (zero when not given, so
    c = −v), and its payoffs are b_i − x_i: each player gets its marginal contribution
    m_i = v(N) − v(N∖{i}) less a share of Σ m_j − v(N) in proportion to
    m_i − v({i}) (m_i − max(v({i}), 0) with benefits, no one's justifiable cost
    exceeding its benefit). For the savings game of a cost game this gives the same
    allocation as the cost game itself. With Σ r_j = 0 and NSC ≠ 0 it is undefined.

    References
    ----------
    Federal Inter-Agency River Basin Committee (1950). Proposed Practices for Economic
    Analysis of River Basin Projects ("Green Book"), Washington, D.C.
    James, L. D., Lee, R. R. (1971). Economics of Water Resources Planning, McGraw-Hill.
    Straffin, P. D., Heaney, J. P. (1981). Game theory and the Tennessee Valley
    Authority. International Journal of Game Theory 10(1), 35–43.
    Young, H. P., Okada, N., Hashimoto, T. (1982). Cost allocation in water resources
    development. Water Resources Research 18(3), 463–475.
    """
    grand = game.grand
    needed = [grand, *_singletons(game), *(grand - {p} for p in game.players)]
    lacking = _lacking("scrb", game, needed)
    if lacking is not None:
        return lacking
    capped = None if benefits is None else _per_player(game, benefits, "benefits")
    offset = np.zeros(len(game.players)) if game.kind == "cost" or capped is None else capped
    sign = 1.0 if game.kind == "cost" else -1.0
    index = {p: k for k, p in enumerate(game.players)}

    def cost(coalition: frozenset[str]) -> float:
        return sum(offset[index[p]] for p in coalition) + sign * _worth(game, coalition)

    total = cost(grand)
    separable = np.array([total - cost(grand - {p}) for p in game.players])
    alternative = np.array([cost(frozenset({p})) for p in game.players])
    if capped is not None:
        alternative = np.minimum(capped, alternative)
    remaining = alternative - separable
    nonseparable = total - separable.sum()
    small = TOLERANCE * _scale(game)
    if abs(remaining.sum()) <= small:
        if abs(nonseparable) > small:
            return Allocation(
                "scrb",
                None,
                note="the remaining benefits sum to zero, so the non-separable cost "
                f"({nonseparable:,.6g}) cannot be shared in proportion to them",
            )
        shares = separable
    else:
        shares = separable + nonseparable * remaining / remaining.sum()
    return Allocation("scrb", _by_player(game, shares if game.kind == "cost" else offset - shares))


def proportional(game: Game, weights: Mapping[str, float] | None = None) -> Allocation:
    """The grand coalition's cost or value shared in proportion to weights w_i ≥ 0,

        x_i = c(N) · w_i / Σ w_j,

    by default the stand-alone amounts c({i}) (or v({i})); a caller may pass, for
    instance, each party's benefit. Needs N, and the singletons when no weights are
    given. Undefined when the weights sum to zero.

    References
    ----------
    Young, H. P., Okada, N., Hashimoto, T. (1982). Cost allocation in water resources
    development. Water Resources Research 18(3), 463–475 (allocation in proportion to
    use and to population, their Table 7).
    """
    needed = [game.grand] if weights is not None else [game.grand, *_singletons(game)]
    lacking = _lacking("proportional", game, needed)
    if lacking is not None:
        return lacking
    share = _stand_alone(game) if weights is None else _per_player(game, weights, "weights")
    if weights is None and np.any(share < 0):
        return Allocation(
            "proportional", None, note="some stand-alone amounts are negative: no proportions"
        )
    if share.sum() <= 0:
        return Allocation("proportional", None, note="the weights sum to zero")
    return Allocation(
        "proportional", _by_player(game, _worth(game, game.grand) * share / share.sum())
    )


def equal_surplus(game: Game) -> Allocation:
    """Each player gets its stand-alone amount plus an equal share of the surplus,

        x_i = v({i}) + (v(N) − Σ v({j})) / n,

    which for a cost game is x_i = c({i}) − (Σ c({j}) − c(N)) / n: the stand-alone
    cost less an equal share of the savings. Needs the singletons and N. It is the
    Nash bargaining solution with equal weights (see :func:`nash`).

    References
    ----------
    Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155–162 (the
    symmetric solution, with the stand-alone amounts as the disagreement point).
    """
    return _split_surplus("equal_surplus", game, None)


def nash(game: Game, weights: Mapping[str, float] | None = None) -> Allocation:
    """The (asymmetric) Nash bargaining solution with the stand-alone amounts as the
    disagreement point d_i = v({i}) (c({i}) in a cost game): with transferable utility
    the product Π (x_i − d_i)^{w_i} is maximised over Σ x_i = v(N) by

        x_i = d_i + w_i / Σ w_j · (v(N) − Σ d_j),

    the same on savings in a cost game: x_i = c({i}) − w_i / Σ w_j · (Σ c({j}) − c(N)).
    Weights w_i ≥ 0 are bargaining powers, equal by default, when the result equals
    :func:`equal_surplus` (both are reported). Needs the singletons and N; undefined
    when the grand coalition gains nothing over the players alone taken together
    (no agreement is better for everyone than disagreement).

    References
    ----------
    Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155–162.
    Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person
    bargaining. International Journal of Game Theory 6(3), 129–133.
    """
    allocation = _split_surplus("nash", game, weights)
    if allocation.shares is None:
        return allocation
    surplus = _worth(game, game.grand) - _stand_alone(game).sum()
    gain = surplus if game.kind == "value" else -surplus
    if gain < -TOLERANCE * _scale(game):
        return Allocation(
            "nash",
            None,
            note=f"the grand coalition gains {gain:,.6g} over the players alone: no agreement "
            "is better for everyone than disagreement, so there is no bargaining solution",
        )
    return allocation


def allocate_all(
    game: Game,
    weights: Mapping[str, float] | None = None,
    benefits: Mapping[str, float] | None = None,
    proportional_to: Mapping[str, float] | None = None,
) -> dict[str, Allocation]:
    """Every method of :data:`METHODS` on the game: ``weights`` go to the Nash method and,
    unless ``proportional_to`` is given, to the proportional one; ``benefits`` to SCRB."""
    return {
        "shapley": shapley(game),
        "nucleolus": nucleolus(game),
        "scrb": scrb(game, benefits),
        "proportional": proportional(game, weights if proportional_to is None else proportional_to),
        "equal_surplus": equal_surplus(game),
        "nash": nash(game, weights),
    }


def excess(game: Game, shares: Mapping[str, float], coalition: frozenset[str]) -> float:
    """What the coalition would gain by leaving the allocation: x(S) − c(S) for cost
    shares, v(S) − x(S) for payoffs (positive: the allocation is not in the core)."""
    worth = _worth(game, coalition)
    paid = sum(shares[p] for p in coalition)
    return paid - worth if game.kind == "cost" else worth - paid


def largest_excess(game: Game, shares: Mapping[str, float]) -> tuple[frozenset[str], float]:
    """The known coalition other than N with the largest excess under the allocation
    (the first by size then players' order on ties), and that excess, in the game's
    units: positive, it could do better alone by that much."""
    _check_shares(game, shares)
    candidates = game.ordered(c for c in game.values if c != game.grand)
    if not candidates:
        raise GameError("the game gives no coalition besides the grand coalition")
    excesses = [excess(game, shares, c) for c in candidates]
    best = int(np.argmax(excesses))
    return candidates[best], excesses[best]


def in_core(game: Game, shares: Mapping[str, float], tol: float = TOLERANCE) -> bool:
    """Whether the allocation shares exactly c(N) (or v(N)) and leaves no known
    coalition a positive excess, both within ``tol`` times the largest |c(S)|. For a
    partial game this checks the known coalitions only."""
    _check_shares(game, shares)
    small = tol * _scale(game)
    if abs(sum(shares.values()) - _worth(game, game.grand)) > small:
        return False
    return all(excess(game, shares, c) <= small for c in game.values if c != game.grand)


def core_check(game: Game, allocations: Mapping[str, Allocation]) -> dict[str, Any]:
    """The core of the game and the allocations against it, as plain data: ``complete``
    (every coalition known), ``nonempty`` and ``least_core_epsilon`` (None for a partial
    game), ``members`` (the methods whose allocation is in the core; for a partial game,
    those no known coalition blocks) and, per method with shares, ``largest_excess``:
    the coalition (key) that gains most by leaving and by how much."""
    epsilon, _ = least_core(game)
    computed = {m: a.shares for m, a in allocations.items() if a.shares is not None}
    blocking = {}
    if any(c != game.grand for c in game.values):
        for method, shares in computed.items():
            coalition, amount = largest_excess(game, shares)
            blocking[method] = {"coalition": game.key(coalition), "excess": amount}
    return {
        "complete": game.complete,
        "nonempty": None if epsilon is None else epsilon <= TOLERANCE * _scale(game),
        "least_core_epsilon": epsilon,
        "members": [m for m, shares in computed.items() if in_core(game, shares)],
        "largest_excess": blocking,
    }


def result_document(
    game: Game, allocations: Mapping[str, Allocation], core: Mapping[str, Any]
) -> dict[str, Any]:
    """The RESULT.json document (docs/game-format.md): the players and kind, one object
    per computed method mapping player → amount, under ``missing`` the coalition keys
    each method lacks, under ``notes`` why a method is undefined, and ``core``."""
    document: dict[str, Any] = {"players": list(game.players), "kind": game.kind}
    for method, allocation in allocations.items():
        if allocation.shares is not None:
            document[method] = dict(allocation.shares)
    document["missing"] = {
        method: [game.key(c) for c in allocation.missing]
        for method, allocation in allocations.items()
        if allocation.missing
    }
    document["notes"] = {
        method: allocation.note for method, allocation in allocations.items() if allocation.note
    }
    document["core"] = dict(core)
    return document


class _ValueForm(NamedTuple):
    """A complete game as a value game, scaled: ``table[mask]`` is sign · v(S) / scale
    for the coalition whose bit k says whether player k is in it."""

    table: np.ndarray
    sign: float
    scale: float
    n: int

    def incidence(self, mask: int) -> np.ndarray:
        return np.array([(mask >> k) & 1 for k in range(self.n)], dtype=float)

    def shares(self, game: Game, payoff: np.ndarray) -> dict[str, float]:
        return _by_player(game, self.sign * self.scale * payoff)


def _value_form(game: Game) -> _ValueForm:
    scale = _scale(game)
    sign = 1.0 if game.kind == "value" else -1.0
    return _ValueForm(sign * _table(game) / scale, sign, scale, len(game.players))


def _minimise_largest_excess(
    form: _ValueForm,
    free: list[int],
    equalities: np.ndarray,
    targets: np.ndarray,
    lower: np.ndarray | None,
) -> tuple[float, np.ndarray, np.ndarray]:
    """min t over payoffs y (and t): v(S) − y(S) ≤ t for the free coalitions,
    ``equalities`` · y = ``targets``, y ≥ ``lower`` when given. Returns t, y and the
    dual value (≥ 0) of each free coalition's constraint."""
    rows = np.array([form.incidence(m) for m in free])
    a_ub = np.hstack([-rows, -np.ones((len(free), 1))])
    b_ub = -form.table[free]
    a_eq = np.hstack([equalities, np.zeros((len(equalities), 1))])
    bounds = [(None if lower is None else lower[k], None) for k in range(form.n)] + [(None, None)]
    cost = np.zeros(form.n + 1)
    cost[-1] = 1.0
    result = linprog(
        cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=targets, bounds=bounds, method="highs"
    )
    if result.status != 0:
        raise GameError(f"the excess-minimising linear program failed: {result.message}")
    return float(result.x[-1]), result.x[:-1], -result.ineqlin.marginals


def _undetermined(form: _ValueForm, free: list[int], fixed: np.ndarray) -> list[int]:
    """The free coalitions whose excess the fixed ones (with N) do not determine: those
    whose incidence vector is outside the span of the fixed ones."""
    basis = np.linalg.svd(fixed, full_matrices=False)
    rank = int(np.sum(1e-9 * basis.S[0] < basis.S))
    span = basis.Vh[:rank]
    kept = []
    for mask in free:
        vector = form.incidence(mask)
        if np.linalg.norm(vector - span.T @ (span @ vector)) > 1e-9:
            kept.append(mask)
    return kept


def _split_surplus(method: str, game: Game, weights: Mapping[str, float] | None) -> Allocation:
    """x_i = d_i + w_i / Σ w_j · (v(N) − Σ d_j), d the stand-alone amounts (equal
    weights when None): equal_surplus and nash."""
    lacking = _lacking(method, game, [game.grand, *_singletons(game)])
    if lacking is not None:
        return lacking
    alone = _stand_alone(game)
    surplus = _worth(game, game.grand) - alone.sum()
    power = np.ones(len(game.players)) if weights is None else _per_player(game, weights, "weights")
    if power.sum() <= 0:
        return Allocation(method, None, note="the weights sum to zero")
    return Allocation(method, _by_player(game, alone + surplus * power / power.sum()))


def _lacking_any(method: str, game: Game) -> Allocation | None:
    """The allocation of a method that needs every coalition, when some are missing (with
    more than :data:`MAX_EXACT_PLAYERS` players, saying so instead of listing 2ⁿ)."""
    if len(game.players) > MAX_EXACT_PLAYERS:
        return Allocation(
            method,
            None,
            note=f"{len(game.players)} players: this needs all 2ⁿ − 1 coalitions; above "
            f"{MAX_EXACT_PLAYERS} players estimate the Shapley value with shapley_sampled",
        )
    return _lacking(method, game, list(all_coalitions(game.players)))


def _lacking(method: str, game: Game, needed: list[frozenset[str]]) -> Allocation | None:
    """The method's allocation without shares, naming what it misses, or None."""
    missing = game.ordered(game.missing(needed))
    return Allocation(method, None, tuple(missing)) if missing else None


def _worth(game: Game, coalition: frozenset[str]) -> float:
    amount = game.value(coalition)
    if amount is None:
        raise GameError(f"coalition {game.key(coalition)!r} is not known")
    return amount


def _singletons(game: Game) -> list[frozenset[str]]:
    return [frozenset({p}) for p in game.players]


def _stand_alone(game: Game) -> np.ndarray:
    return np.array([_worth(game, c) for c in _singletons(game)])


def _scale(game: Game) -> float:
    return max((abs(v) for v in game.values.values()), default=0.0) or 1.0


def _table(game: Game) -> np.ndarray:
    """c(S) or v(S) of a complete game by coalition mask (bit k: player k is in S)."""
    index = {p: k for k, p in enumerate(game.players)}
    table = np.zeros(2 ** len(game.players))
    for coalition, amount in game.values.items():
        table[sum(1 << index[p] for p in coalition)] = amount
    return table


def _by_player(game: Game, amounts: np.ndarray) -> dict[str, float]:
    return {p: float(a) for p, a in zip(game.players, amounts, strict=True)}


def _per_player(game: Game, amounts: Mapping[str, float], what: str) -> np.ndarray:
    """One finite, non-negative amount per player, in the game's order."""
    given, expected = set(amounts), set(game.players)
    if given != expected:
        raise GameError(
            f"{what}: found {', '.join(sorted(given)) or 'none'}; expected one per player: "
            + ", ".join(game.players)
        )
    for player in game.players:
        amount = amounts[player]
        if not isinstance(amount, int | float) or not math.isfinite(amount) or amount < 0:
            raise GameError(f"{what}[{player!r}]: found {amount!r}; expected a number ≥ 0")
    return np.array([float(amounts[p]) for p in game.players])


def _check_shares(game: Game, shares: Mapping[str, float]) -> None:
    if set(shares) != set(game.players):
        raise GameError(
            f"shares: found {', '.join(sorted(shares))}; expected one per player: "
            + ", ".join(game.players)
        )
