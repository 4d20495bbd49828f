"""Benchmark: simulating the pooled reserve's year-loss table, 1,000,000 years for 10
parties from a 10,000-event set, and the capital figures on it, against the naive
simulation (one Poisson draw per event and year).

The case (seeded): 10,000 events whose frequencies are drawn uniform in 0.2–1.8 and
scaled to three events a year in all; each event hits each party with probability 0.3;
its loss to a party is a severity shared by the parties (Pareto, tail index 1.5:
heavy-tailed) times a lognormal factor of its own (σ = 1) times the party's exposure
(1–10 million, lognormal).

Timed, the median of ``--repeat`` runs in this process, each with the memory it needs
beyond what was loaded before it (peak resident set, reset before it): the simulation
(``simulate_year_losses``); VaR and TVaR at 0.99 and 0.995, each party alone and the
pool (``value_at_risk``, ``tail_value_at_risk`` on the table and on its yearly totals);
the Euler allocation at 0.99 (``euler_contributions``). The reference, measured in the
same run on ``--naive-years`` years: every event's count drawn each year, N_e ~
Poisson(f_e), then the counts times the event losses, in chunks of years; its time per
year against the simulation's, and both tables' means against the analytical expected
annual loss (in standard errors, σ/√years, σ of the compound Poisson sum).

The target: the simulation of 1,000,000 years under 10 s on 2 cores.

    .venv/bin/python benchmarks/pool.py [--years 1000000] [--events 10000] [--parties 10]
        [--naive-years 10000] [--repeat 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from bordercompact.finance.pool import (
    annual_loss_standard_deviation,
    euler_contributions,
    expected_annual_loss,
    simulate_year_losses,
    tail_value_at_risk,
    value_at_risk,
)
from risk import memory_after_call, memory_before_call

TARGET_SECONDS = 10.0
EVENTS_PER_YEAR = 3.0
HIT_PROBABILITY = 0.3
TAIL_INDEX = 1.5
LEVELS = (0.99, 0.995)
#: Years of the naive reference drawn at once (years × events counts in memory).
NAIVE_CHUNK_YEARS = 500


def event_set(n_events: int, n_parties: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(frequency, losses) of the case (see the module docstring)."""
    rng = np.random.default_rng([seed, n_events, n_parties])
    frequency = rng.uniform(0.2, 1.8, n_events)
    frequency *= EVENTS_PER_YEAR / frequency.sum()
    severity = rng.pareto(TAIL_INDEX, (n_events, 1)) + 1.0
    exposure = rng.lognormal(np.log(3e6), 0.6, n_parties).clip(1e6, 1e7)
    hit = rng.random((n_events, n_parties)) < HIT_PROBABILITY
    own = rng.lognormal(0.0, 1.0, (n_events, n_parties))
    return frequency, severity * own * exposure * hit * 1e-2


def naive_year_losses(
    frequency: np.ndarray, losses: np.ndarray, years: int, seed: int
) -> np.ndarray:
    """The reference: each event's count drawn every year, N_e ~ Poisson(f_e), and the
    year's losses Σ_e N_e L_e, in chunks of years."""
    rng = np.random.default_rng(seed)
    annual = np.empty((years, losses.shape[1]))
    for first in range(0, years, NAIVE_CHUNK_YEARS):
        last = min(years, first + NAIVE_CHUNK_YEARS)
        counts = rng.poisson(frequency, size=(last - first, frequency.size))
        annual[first:last] = counts.astype(np.float64) @ losses
    return annual


def timed(call: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    """The call's result and its seconds and memory."""
    before = memory_before_call()
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    return result, memory_after_call(before) | {"seconds": seconds}


def capital_figures(annual: np.ndarray) -> dict[str, tuple[float, float]]:
    """VaR and TVaR at each level: (the pool's, the sum of the parties' alone)."""
    total = annual.sum(axis=1)
    return {
        f"{name} {level}": (float(measure(total, level)), float(measure(annual, level).sum()))
        for level in LEVELS
        for name, measure in (("VaR", value_at_risk), ("TVaR", tail_value_at_risk))
    }


def median_line(name: str, runs: list[dict[str, Any]], note: str = "") -> float:
    seconds = statistics.median(r["seconds"] for r in runs)
    memory = statistics.median(r["extra_peak_mib"] for r in runs)
    print(f"  {name:<44} {seconds:8.3f} s   extra memory {memory:7,.0f} MiB{note}")
    return seconds


def standard_errors(annual: np.ndarray, expected: np.ndarray, deviation: np.ndarray) -> np.ndarray:
    """Each party's distance of the table's mean from the expected annual loss, in
    standard errors σ/√years."""
    return (annual.mean(axis=0) - expected) / (deviation / np.sqrt(annual.shape[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--parties", type=int, default=10)
    parser.add_argument("--naive-years", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    command = f"--years {args.years} --events {args.events} --parties {args.parties} "
    command += f"--naive-years {args.naive_years} --repeat {args.repeat} --seed {args.seed}"
    print(f"command: .venv/bin/python benchmarks/pool.py {command}")
    print(
        f"{os.cpu_count()} CPUs; numpy {np.__version__}; {args.repeat} runs of each, medians; "
        f"load average (1 min) {os.getloadavg()[0]:.2f}"
    )
    frequency, losses = event_set(args.events, args.parties, args.seed)
    expected = expected_annual_loss(frequency, losses)
    deviation = annual_loss_standard_deviation(frequency, losses)
    pooled_deviation = annual_loss_standard_deviation(frequency, losses.sum(axis=1)[:, None])
    print(
        f"\n{args.events:,} events × {args.parties} parties, {frequency.sum():.2f} events a "
        f"year; the pool's expected annual loss {expected.sum():,.0f}, standard deviation "
        f"{pooled_deviation[0]:,.0f}"
    )

    simulation, capital, euler, naive = [], [], [], []
    for run in range(args.repeat):
        table, record = timed(
            lambda run=run: simulate_year_losses(frequency, losses, args.years, args.seed + run)
        )
        simulation.append(record)
        figures, record = timed(lambda table=table: capital_figures(table.annual))
        capital.append(record)
        _, record = timed(lambda table=table: euler_contributions(table.annual, LEVELS[0]))
        euler.append(record)
        reference, record = timed(
            lambda run=run: naive_year_losses(frequency, losses, args.naive_years, run)
        )
        naive.append(record)

    occurrences = int(table.event_count.sum())
    print(f"\ntimes ({args.years:,} years, {occurrences:,} occurrences in the last run):")
    seconds = median_line(
        "simulate_year_losses",
        simulation,
        f"   ({args.years / statistics.median(r['seconds'] for r in simulation) / 1e6:.2f} M "
        "years/s)",
    )
    median_line(f"VaR, TVaR at {LEVELS}, alone and pooled", capital)
    median_line(f"Euler (co-TVaR) at {LEVELS[0]}", euler)
    naive_seconds = median_line(f"naive reference, {args.naive_years:,} years", naive)
    per_year = naive_seconds / args.naive_years
    print(
        f"  naive per year {per_year * 1e6:.1f} µs against {seconds / args.years * 1e6:.2f} µs: "
        f"{per_year * args.years / seconds:,.0f}× slower (naive extrapolated to "
        f"{args.years:,} years: {per_year * args.years:,.0f} s)"
    )

    ours = standard_errors(table.annual, expected, deviation)
    theirs = standard_errors(reference, expected, deviation)
    print(
        "\nmean year against the expected annual loss, in standard errors, largest over the "
        f"parties: simulation {np.abs(ours).max():.2f} ({args.years:,} years), naive "
        f"{np.abs(theirs).max():.2f} ({args.naive_years:,} years)"
    )
    print(
        "capital (last run), pooled / sum alone: "
        + ", ".join(f"{name} {p:,.0f} / {a:,.0f}" for name, (p, a) in figures.items())
    )

    met = "met" if seconds < TARGET_SECONDS else "NOT met"
    print(
        f"\ntarget: {args.years:,} years × {args.parties} parties from {args.events:,} events "
        f"under {TARGET_SECONDS:g} s: {met} ({seconds:.2f} s)"
    )


if __name__ == "__main__":
    main()
