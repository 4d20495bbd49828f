"""Benchmark: every coalition's value v(S), 2^n − 1 mixed-integer programs, with 8 and 10
parties on 30 measures, against a brute-force enumeration of portfolios.

The case (seeded): n parties along a river, ``p01`` the most upstream. 30 measures, each
hosted by one party: retention basins (benefits mostly downstream; the downstream
neighbour's permit), levees and floodproofing (the host's own), channel widening (cross-
border works: both neighbours' approval), early warning and dike relocation (the host and
a little downstream; a relocation needs the downstream neighbour's permit). The measures
form interaction groups of 4, 4, 3, 3, 2 and 2 and 12 single ones; each group's measures
stand at one border (hosted by the parties on either side of it). Three pairs of
alternatives (two within groups, one across) and three prerequisites (two within groups,
one across). Each option, a buildable subset of a group (``group_subsets``), adds up its
measures' costs and benefits, its benefits times 0.85^(size − 1) (sub-additive: the
measures protect some of the same assets). Costs over 10 years: capital in 1–3
construction years among the first four, then 2 % of it a year for operation; present
values at 3 %. Each party has a yearly budget, 5–20 % of the capital it hosts, which a
coalition pools (binding for most of the larger coalitions).

Timed: ``coalition_values`` for every coalition, in this process (``workers=1``) and in
``--workers`` processes, the median of ``--repeat`` runs, with the CPU time of this process
and its workers (how many cores were kept busy) and the memory a run needs beyond what was
loaded before it (peak resident set, reset before it; the workers' own peak from the
kernel's record of finished children). One more pass builds every program without
solving it (``coalition_program``), to split the time into building and solving.

The reference, in the same run: for every coalition of at most ``--brute-force-members``
members and for the grand coalition, those whose enumeration stays within
``--brute-force-limit`` portfolios, every combination of one buildable option or none per
group, checked against the prerequisites and alternatives across groups and the pooled
yearly budgets, and the best of them (0: building nothing); also the best without the
budgets, to show where they bind. Its time against ``coalition_value`` on the same
coalitions, and the largest difference between the values.

    .venv/bin/python benchmarks/negotiate.py [--parties 8 10] [--measures 30] [--repeat 3]
        [--seed 1] [--workers 2] [--brute-force-members 3] [--brute-force-limit 1e9]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import time
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from bordercompact.measures.model import Measure
from bordercompact.negotiate.coalitions import coalition_program, coalition_value, coalition_values
from bordercompact.negotiate.options import Option, OptionTable, group_subsets
from bordercompact.negotiate.positions import NegotiationConfig
from risk import memory_after_call, memory_before_call

YEARS = np.arange(2026, 2036)
DISCOUNT_RATE = 0.03
#: The interaction groups' sizes; the remaining measures stand alone.
GROUP_SIZES = (4, 4, 3, 3, 2, 2)
#: An option's benefits: its measures' summed, times this to the power (size − 1).
SUBADDITIVE = 0.85
#: Operation and maintenance, a share of the capital cost each year after construction.
ANNUAL_SHARE = 0.02
#: A party's yearly budget: a share, drawn in this range, of all the capital it hosts
#: (that of the least hosting party for one that hosts nothing).
BUDGET_SHARE = (0.05, 0.2)
#: (measure, alternative to it) and (measure, its prerequisite), by position among the
#: measures (groups first, in the order of GROUP_SIZES, then the single ones): within
#: group 0 and 1, and across group 4 and a single measure; within group 0 and 2, and a
#: single measure on group 3.
ALTERNATIVES = ((0, 1), (4, 5), (14, 22))
REQUIRES = ((3, 2), (10, 8), (20, 12))
#: Targets of the issue, seconds for all the coalition values by number of parties.
TARGETS = {8: 60.0, 10: 300.0}


@dataclass(frozen=True)
class Kind:
    """How a kind of measure spreads its benefits and whose approval it needs."""

    host_weight: float  # the host's weight among the parties that benefit
    downstream_decay: float  # weight of the k-th party downstream: decay^k
    approvals: tuple[int, ...]  # neighbours by offset: +1 downstream, −1 upstream


KINDS = {
    "retention": Kind(0.3, 0.8, (1,)),
    "levee": Kind(1.0, 0.0, ()),
    "channel_widening": Kind(1.0, 0.5, (-1, 1)),
    "warning": Kind(1.0, 0.4, ()),
    "floodproofing": Kind(1.0, 0.0, ()),
    "dike_relocation": Kind(1.0, 0.3, (1,)),
}


@dataclass(frozen=True)
class Timing:
    """One run of ``coalition_values``."""

    seconds: float
    cpu_seconds: float  # this process and the workers it waited for
    memory: dict[str, float]
    values: dict[frozenset[str], float]


def discount(amounts: np.ndarray) -> float:
    return float(amounts @ (1 + DISCOUNT_RATE) ** -np.arange(len(amounts)))


def river_case(
    n_parties: int, n_measures: int, rng: np.random.Generator
) -> tuple[OptionTable, NegotiationConfig]:
    """The option table and the parties' budgets (see the module docstring)."""
    parties = [f"p{i + 1:02d}" for i in range(n_parties)]
    layout = [unit for unit, size in enumerate(GROUP_SIZES) for _ in range(size)][:n_measures]
    layout += range(len(GROUP_SIZES), len(GROUP_SIZES) + n_measures - len(layout))
    n_units = max(layout) + 1
    site = rng.permutation(n_units) % n_parties  # the party upstream of each unit's border
    ids = [f"m{i + 1:02d}" for i in range(n_measures)]
    alternatives = {
        i: f"alt{k}" for k, pair in enumerate(ALTERNATIVES) if max(pair) < n_measures for i in pair
    }
    requires = {m: ids[r] for m, r in REQUIRES if max(m, r) < n_measures}
    measures: dict[str, Measure] = {}
    per_year: dict[str, np.ndarray] = {}
    benefit: dict[str, dict[str, float]] = {}
    for i, unit in enumerate(layout):
        host = min(site[unit] + (i - layout.index(unit)) % 2, n_parties - 1)
        kind_name = list(KINDS)[rng.integers(len(KINDS))]
        kind = KINDS[kind_name]
        capital = float(rng.lognormal(np.log(20.0), 0.6))
        start, length = int(rng.integers(0, 4)), int(rng.integers(1, 4))
        costs = np.zeros(len(YEARS))
        costs[start : start + length] = capital / length
        costs[start + length :] = ANNUAL_SHARE * capital
        downstream = np.arange(n_parties) - host  # upstream parties gain nothing
        weights = np.where(downstream > 0, kind.downstream_decay ** np.abs(downstream), 0.0)
        weights[host] = kind.host_weight
        total = float(rng.lognormal(np.log(1.2), 0.5)) * discount(costs)
        benefit[ids[i]] = dict(zip(parties, total * weights / weights.sum(), strict=True))
        per_year[ids[i]] = costs
        measures[ids[i]] = Measure.model_validate(
            {
                "id": ids[i],
                "name": {"en": f"{kind_name} {ids[i]}"},
                "kind": kind_name,
                "proposed_by": parties[host],
                "host": parties[host],
                "capital_cost": capital,
                "annual_cost": ANNUAL_SHARE * capital,
                "lifetime_years": 30,
                "construction_years": [int(y) for y in YEARS[start : start + length]],
                "approvals": [
                    parties[host + k] for k in kind.approvals if 0 <= host + k < n_parties
                ],
                "alternatives": alternatives.get(i),
                "requires": [requires[i]] if i in requires else [],
                "effects": [{"type": "people", "hazard": "h", "exposure": "e", "reduction": 0.1}],
            }
        )
    groups = [[ids[i] for i, u in enumerate(layout) if u == unit] for unit in range(n_units)]
    options = [
        _option(g, subset, benefit, per_year, measures)
        for g, group in enumerate(groups)
        for subset in group_subsets(group, measures, limit=4096)
    ]
    hosted = {p: sum(m.capital_cost for m in measures.values() if m.host == p) for p in parties}
    least = min(v for v in hosted.values() if v > 0)  # for a party that hosts nothing
    config = NegotiationConfig.model_validate(
        {
            "parties": [
                {"id": p, "budget_per_year": float(rng.uniform(*BUDGET_SHARE)) * max(v, least)}
                for p, v in hosted.items()
            ]
        }
    )
    return OptionTable(parties, YEARS, groups, options, measures), config


def _option(
    group: int,
    subset: frozenset[str],
    benefit: dict[str, dict[str, float]],
    per_year: dict[str, np.ndarray],
    measures: dict[str, Measure],
) -> Option:
    factor = SUBADDITIVE ** (len(subset) - 1)
    parties = list(next(iter(benefit.values())))
    costs = sum((per_year[m] for m in subset), np.zeros(len(YEARS)))
    by_host: dict[str, float] = {}
    for m in subset:
        by_host[measures[m].host] = by_host.get(measures[m].host, 0.0) + discount(per_year[m])
    return Option(
        group=group,
        measures=subset,
        benefit={p: factor * sum(benefit[m][p] for m in subset) for p in parties},
        cost=discount(costs),
        cost_by_host=by_host,
        cost_per_year=costs,
    )


def buildable_options(
    table: OptionTable, config: NegotiationConfig, members: frozenset[str]
) -> list[list[Option]]:
    """Per group, the options a coalition can build alone: each measure hosted by a member
    (or by a party not at the table) and approved by every player whose approval it
    needs."""
    players = set(config.players)

    def buildable(measure: Measure) -> bool:
        hosted = measure.host in members or measure.host not in players
        return hosted and set(measure.approvals) & players <= members

    return [
        [o for o in table.of_group(g) if all(buildable(table.measures[m]) for m in o.measures)]
        for g in range(len(table.groups))
    ]


@dataclass(frozen=True)
class Enumerated:
    """The best portfolio's net benefit found by enumeration, with and without budgets."""

    value: float
    without_budgets: float
    portfolios: int


def _choices(
    options: list[Option], bit: dict[str, int], members: frozenset[str], n_years: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One group's choices, none first: net benefit to the members, nominal cost per year,
    measures as bits."""
    value = np.array([0.0] + [sum(o.benefit[p] for p in members) - o.cost for o in options])
    costs = np.vstack([np.zeros(n_years)] + [o.cost_per_year for o in options])
    held = np.array([0] + [sum(1 << bit[m] for m in o.measures) for o in options], np.int64)
    return value, costs, held


def _product(
    first: tuple[np.ndarray, np.ndarray, np.ndarray],
    second: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every combination of a choice of ``first`` with one of ``second``."""
    (v1, c1, m1), (v2, c2, m2) = first, second
    return (
        (v1[:, None] + v2[None, :]).ravel(),
        (c1[:, None, :] + c2[None, :, :]).reshape(-1, c1.shape[1]),
        (m1[:, None] | m2[None, :]).ravel(),
    )


def brute_force(
    table: OptionTable, config: NegotiationConfig, members: frozenset[str], chunk: int = 1 << 22
) -> Enumerated:
    """The coalition's best portfolio by enumerating every combination of one buildable
    option or none per group: those that keep the prerequisites and alternatives (across
    groups; within a group the options keep them) and the members' yearly budgets pooled,
    and the best of them (0: building nothing). The groups are split in two halves, each
    enumerated whole; their combinations are checked ``chunk`` at a time."""
    if len(table.measures) > 63:
        raise ValueError(
            f"found {len(table.measures)} measures; expected at most 63 (a portfolio's "
            "measures are the bits of an int64)"
        )
    bit = {m: i for i, m in enumerate(table.measures)}
    n_years = len(table.years)
    groups = [
        _choices(options, bit, members, n_years)
        for options in buildable_options(table, config, members)
    ]
    groups.sort(key=lambda choices: len(choices[0]))
    total = math.prod(len(choices[0]) for choices in groups)
    left, right = groups[0], _choices([], bit, members, n_years)
    for choices in groups[1:]:  # the smaller groups left, up to √total combinations
        if len(right[0]) == 1 and len(left[0]) * len(choices[0]) <= math.isqrt(total):
            left = _product(left, choices)
        else:
            right = _product(right, choices)
    positions = [config.position(p) for p in members]
    yearly = [
        (t, sum(limits))
        for t, year in enumerate(table.years)
        if None not in (limits := [p.budget_in(int(year)) for p in positions])
    ]
    requires = [
        (1 << bit[m.id], 1 << bit[needed]) for m in table.measures.values() for needed in m.requires
    ]
    exclusive: dict[str, list[int]] = {}
    for m in table.measures.values():
        if m.alternatives:
            exclusive.setdefault(m.alternatives, []).append(1 << bit[m.id])
    best, best_free = 0.0, 0.0
    rows = max(1, chunk // len(right[0]))
    for start in range(0, len(left[0]), rows):
        value = left[0][start : start + rows, None] + right[0][None, :]
        held = left[2][start : start + rows, None] | right[2][None, :]
        allowed = np.ones(value.shape, dtype=bool)
        for measure, needed in requires:
            allowed &= ((held & measure) == 0) | ((held & needed) != 0)
        for bits in exclusive.values():
            allowed &= sum(((held & b) != 0).astype(np.int8) for b in bits) <= 1
        if allowed.any():
            best_free = max(best_free, float(value[allowed].max()))
        for t, limit in yearly:
            spent = left[1][start : start + rows, t, None] + right[1][None, :, t]
            allowed &= spent <= limit * (1 + 1e-9)
        if allowed.any():
            best = max(best, float(value[allowed].max()))
    return Enumerated(best, best_free, total)


def all_coalitions(parties: list[str]) -> list[frozenset[str]]:
    return [frozenset(c) for k in range(1, len(parties) + 1) for c in combinations(parties, k)]


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def time_values(table: OptionTable, config: NegotiationConfig, workers: int) -> Timing:
    """One run of ``coalition_values``: its seconds, CPU seconds (with the workers') and
    memory."""
    before = memory_before_call()
    cpu_start, children_start = time.process_time(), _children_cpu()
    start = time.perf_counter()
    values = coalition_values(table, config, workers=workers)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start + _children_cpu() - children_start
    memory = memory_after_call(before) | {
        "worker_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    }
    return Timing(seconds, cpu, memory, values)


def build_pass(
    table: OptionTable, config: NegotiationConfig, coalitions: list[frozenset[str]]
) -> tuple[float, dict[int, tuple[int, int]]]:
    """Every coalition's program built, not solved: the seconds, and per coalition size
    the variables and rows of its programs."""
    sizes = {}
    start = time.perf_counter()
    for members in coalitions:
        program = coalition_program(table, config, members)
        sizes[len(members)] = (program.size, len(program.rows))
    return time.perf_counter() - start, sizes


def time_each(
    table: OptionTable, config: NegotiationConfig, coalitions: list[frozenset[str]]
) -> list[float]:
    """Seconds of ``coalition_value`` for each coalition, one after the other."""
    seconds = []
    for members in coalitions:
        start = time.perf_counter()
        coalition_value(table, config, members)
        seconds.append(time.perf_counter() - start)
    return seconds


def portfolio_count(table: OptionTable, config: NegotiationConfig, members: frozenset[str]) -> int:
    """How many portfolios the enumeration checks: one option or none per group."""
    return math.prod(len(options) + 1 for options in buildable_options(table, config, members))


@dataclass(frozen=True)
class Reference:
    """The brute force and the MILP on the same coalitions, in one run."""

    enumerated: dict[frozenset[str], Enumerated]
    brute_seconds: dict[frozenset[str], float]
    milp_seconds: dict[frozenset[str], float]


def reference_run(
    table: OptionTable, config: NegotiationConfig, coalitions: list[frozenset[str]]
) -> Reference:
    enumerated, seconds = {}, {}
    for members in coalitions:
        start = time.perf_counter()
        enumerated[members] = brute_force(table, config, members)
        seconds[members] = time.perf_counter() - start
    milp = dict(zip(coalitions, time_each(table, config, coalitions), strict=True))
    return Reference(enumerated, seconds, milp)


def checked_coalitions(
    table: OptionTable, config: NegotiationConfig, most_members: int, limit: int
) -> tuple[list[frozenset[str]], list[frozenset[str]]]:
    """The coalitions to enumerate (those of at most ``most_members`` members, and the
    grand coalition) within ``limit`` portfolios, and those left out for the limit."""
    players = config.players
    wanted = [c for c in all_coalitions(players) if len(c) <= most_members]
    wanted += [frozenset(players)] if len(players) > most_members else []
    kept = [c for c in wanted if portfolio_count(table, config, c) <= limit]
    return kept, [c for c in wanted if c not in kept]


def print_case(table: OptionTable, config: NegotiationConfig, built: float) -> None:
    sizes = [len(g) for g in table.groups]
    grouped = ", ".join(str(s) for s in sizes if s > 1)
    n = len(config.players)
    budgets = ", ".join(f"{p.id} {p.budget_in(int(table.years[0])):.1f}" for p in config.parties)
    print(
        f"\n{n} parties, {len(table.measures)} measures in {len(sizes)} groups ({grouped} and "
        f"{sizes.count(1)} single), {len(table.options)} options, {len(table.years)} years; "
        f"{2**n - 1} coalitions; built in {built:.2f} s"
    )
    print(f"  yearly budgets: {budgets}")


def print_sizes(
    table: OptionTable, config: NegotiationConfig, sizes: dict[int, tuple[int, int]]
) -> None:
    print("  programs by coalition size: members, variables × rows, options buildable (median)")
    for k, (variables, rows) in sizes.items():
        buildable = statistics.median(
            sum(len(o) for o in buildable_options(table, config, c))
            for c in all_coalitions(config.players)
            if len(c) == k
        )
        print(f"    {k:>2}  {variables:>5} × {rows:>5}  {buildable:5.1f}")


def print_timings(
    timings: dict[int, list[Timing]], building: list[float], n_coalitions: int
) -> dict[int, float]:
    """The table of the runs; returns the median seconds per number of workers."""
    print(f"  all coalition values (coalition_values), median of {len(building)}:")
    print(
        f"    {'workers':>7} {'seconds':>8} {'per program':>12} {'cores busy':>10} "
        f"{'extra peak MiB':>14} {'worker peak MiB':>15}  runs"
    )
    medians = {}
    for workers, runs in timings.items():
        medians[workers] = statistics.median(r.seconds for r in runs)
        cores = statistics.median(r.cpu_seconds / r.seconds for r in runs)
        extra = statistics.median(r.memory["extra_peak_mib"] for r in runs)
        worker_peak = (
            f"{max(r.memory['worker_peak_mib'] for r in runs):15,.0f}" if workers > 1 else " " * 15
        )
        per_program = medians[workers] / n_coalitions * 1e3
        print(
            f"    {workers:>7} {medians[workers]:8.2f} {per_program:9.1f} ms "
            f"{cores:10.1f} {extra:14,.1f} {worker_peak}  "
            + ", ".join(f"{r.seconds:.2f}" for r in runs)
        )
    build = statistics.median(building)
    one = medians[1]
    print(
        f"    of which building the programs (coalition_program alone, one more pass): "
        f"{build:.2f} s, {build / one:.0%} of the 1-process run; the rest is Program.solve "
        "(the dense rows stacked, scipy.optimize.milp, HiGHS)"
    )
    first = [r.values for runs in timings.values() for r in runs]
    spread = max(abs(v[c] - first[0][c]) for v in first for c in first[0])
    print(f"    largest difference between the values of all runs: {spread:.1e}")
    peak = max(r.memory["process_peak_mib"] for runs in timings.values() for r in runs)
    print(f"    process peak (ru_maxrss, this process): {peak:,.0f} MiB")
    return medians


def print_reference(
    references: list[Reference],
    values: dict[frozenset[str], float],
    left_out: list[frozenset[str]],
    n_parties: int,
    limit: int,
) -> None:
    first = references[0]
    classes: dict[str, list[frozenset[str]]] = {}
    for members in first.enumerated:
        name = f"{len(members)} member" + ("s" if len(members) > 1 else "")
        name = "grand coalition" if len(members) == n_parties else name
        classes.setdefault(name, []).append(members)
    print(
        f"  reference: brute-force enumeration of portfolios (one option or none per group), "
        f"median of {len(references)}; MILP: coalition_value on the same coalitions"
    )
    print(
        f"    {'coalitions':<16} {'count':>5} {'portfolios':>11} {'brute s':>8} {'MILP s':>8} "
        f"{'brute/MILP':>10} {'max |diff|':>10} {'rel.':>8} {'budget binds':>12}"
    )
    differences = []
    for name, members in classes.items():
        brute = statistics.median(sum(r.brute_seconds[c] for c in members) for r in references)
        milp = statistics.median(sum(r.milp_seconds[c] for c in members) for r in references)
        found = [first.enumerated[c] for c in members]
        absolute = [abs(values[c] - e.value) for c, e in zip(members, found, strict=True)]
        relative = [d / max(abs(e.value), 1.0) for d, e in zip(absolute, found, strict=True)]
        differences += absolute
        binds = sum(e.without_budgets > e.value + 1e-9 for e in found)
        print(
            f"    {name:<16} {len(members):>5} {sum(e.portfolios for e in found):>11.3g} "
            f"{brute:8.2f} {milp:8.3f} {brute / milp:10.3g} {max(absolute):10.1e} "
            f"{max(relative):8.1e} {f'{binds} of {len(members)}':>12}"
        )
    print(
        f"    largest difference, MILP against enumeration: {max(differences):.1e} (money; "
        "coalition_values rounds to 6 decimals; HiGHS stops at its default relative gap, 1e-4)"
    )
    if left_out:
        counts = ", ".join(f"{len(c)} members" for c in left_out)
        print(f"    left out, more than {limit:.3g} portfolios each: {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, nargs="+", default=[8, 10])
    parser.add_argument("--measures", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="processes of the parallel runs")
    parser.add_argument("--brute-force-members", type=int, default=3)
    parser.add_argument("--brute-force-limit", type=float, default=1e9, help="portfolios")
    args = parser.parse_args()

    command = f"--parties {' '.join(map(str, args.parties))} --measures {args.measures} "
    command += f"--repeat {args.repeat} --seed {args.seed} --workers {args.workers} "
    command += f"--brute-force-members {args.brute_force_members} "
    command += f"--brute-force-limit {args.brute_force_limit:g}"
    print(f"command: .venv/bin/python benchmarks/negotiate.py {command}")
    print(
        f"{os.cpu_count()} CPUs; {args.repeat} runs of each, medians; workers 1 (in this "
        f"process) and {args.workers} (processes)"
    )
    results = {}
    for n_parties in args.parties:
        start = time.perf_counter()
        table, config = river_case(
            n_parties, args.measures, np.random.default_rng([args.seed, n_parties])
        )
        print_case(table, config, time.perf_counter() - start)
        load = os.getloadavg()[0]
        coalitions = all_coalitions(config.players)
        timings: dict[int, list[Timing]] = {1: [], args.workers: []}
        building, references = [], []
        checked, left_out = checked_coalitions(
            table, config, args.brute_force_members, int(args.brute_force_limit)
        )
        for _ in range(args.repeat):
            for workers in timings:
                timings[workers].append(time_values(table, config, workers))
            seconds, sizes = build_pass(table, config, coalitions)
            building.append(seconds)
            references.append(reference_run(table, config, checked))
        print(
            f"  load average (1 min; other work on the machine counts): {load:.2f} before the "
            f"runs, {os.getloadavg()[0]:.2f} after"
        )
        print_sizes(table, config, sizes)
        results[n_parties] = print_timings(timings, building, len(coalitions))
        print_reference(
            references, timings[1][0].values, left_out, n_parties, args.brute_force_limit
        )
    print("\ntargets (all coalition values, median):")
    for n_parties, medians in results.items():
        if n_parties not in TARGETS:
            continue
        target = TARGETS[n_parties]
        runs = ", ".join(
            f"{w} process{'es' if w > 1 else ''} {s:.1f} s" for w, s in medians.items()
        )
        met = "met" if max(medians.values()) < target else "NOT met"
        print(f"  {n_parties} parties under {target:g} s: {met} ({runs})")


if __name__ == "__main__":
    main()
