"""What every coalition can do on its own: v(S), the best net benefit to S's members from
the measures S can build without the others — hosted on its members' side, with every
approval from its members — within its members' budgets pooled (no demands: they are
what the deal must meet, not what going alone must).

Exact for up to :data:`EXACT_PARTIES` parties: the 2^n − 1 programs are independent and run
in parallel (processes, or a Dask cluster). Beyond, coalition values are computed as a
permutation sample needs them (:func:`bordercompact.negotiate.allocation.shapley_sampled`).
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from itertools import combinations
from typing import Any

import numpy as np

from bordercompact.negotiate.options import OptionTable
from bordercompact.negotiate.portfolio import Program, budgets, structure
from bordercompact.negotiate.positions import NegotiationConfig

#: Up to this many parties every coalition is computed.
EXACT_PARTIES = 12


def coalition_program(
    table: OptionTable, config: NegotiationConfig, members: Iterable[str]
) -> Program:
    """The program of one coalition: its members' benefits less all costs, over the
    measures it can build alone (hosted by a member, or by a party that is not a player;
    approved by every player whose approval they need), within its members' budgets
    pooled."""
    coalition = sorted(members, key=table.parties.index)
    inside, players = set(coalition), set(config.players)
    program = Program(table, coalition)

    def buildable(measure_id: str) -> bool:
        measure = table.measures[measure_id]
        hosted = measure.host in inside or measure.host not in players
        return hosted and set(measure.approvals) & players <= inside

    structure(program, buildable)
    budgets(program, config, pooled=True)
    row = program.z()
    for k, option in enumerate(table.options):
        row[k] = sum(option.benefit.get(p, 0.0) for p in coalition) - option.cost
    program.objective = row
    return program


def coalition_value(table: OptionTable, config: NegotiationConfig, members: Iterable[str]) -> float:
    """v(S): the coalition's best net benefit on its own (0: building nothing)."""
    solved = coalition_program(table, config, members).solve()
    return 0.0 if solved is None else max(solved.objective, 0.0) + 0.0  # no -0.0


def coalition_values(
    table: OptionTable,
    config: NegotiationConfig,
    *,
    workers: int | None = None,
    client: Any = None,
) -> dict[frozenset[str], float]:
    """v(S) of every non-empty coalition of the players (the parties of
    negotiation.toml), in parallel: on ``client`` (a Dask client) when given, else in
    ``workers`` processes (1: in this process). Raises ValueError beyond
    :data:`EXACT_PARTIES` players."""
    parties = config.players
    if len(parties) > EXACT_PARTIES:
        raise ValueError(
            f"{len(parties)} parties: 2^{len(parties)} − 1 coalitions; expected at most "
            f"{EXACT_PARTIES} for exact values (sample Shapley permutations instead)"
        )
    coalitions = [
        frozenset(c) for size in range(1, len(parties) + 1) for c in combinations(parties, size)
    ]
    if client is not None:
        futures = client.map(
            coalition_value, [table] * len(coalitions), [config] * len(coalitions), coalitions
        )
        values = client.gather(futures)
    elif workers == 1 or len(coalitions) < 4:
        values = [coalition_value(table, config, c) for c in coalitions]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            values = list(
                pool.map(
                    coalition_value,
                    [table] * len(coalitions),
                    [config] * len(coalitions),
                    coalitions,
                    chunksize=max(1, len(coalitions) // (4 * (workers or 2))),
                )
            )
    return dict(zip(coalitions, (float(np.round(v, 6)) for v in values), strict=True))
