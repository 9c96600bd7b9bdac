r"""A CP-SAT model as a MILP for HiGHS: the same variables, its constraints as linear rows.

Formulation. Every CP-SAT variable :math:`v_j` with domain :math:`D_j` becomes an integer column
with bounds :math:`\min D_j \le x_j \le \max D_j` (a domain with holes keeps its hull: a
relaxation). A literal is :math:`x_j` or, negated, :math:`1 - x_j`; each constraint becomes rows
over them (:func:`linear_model`):

(1) ``bool_or`` :math:`\bigvee_i \ell_i`: :math:`\sum_i \ell_i \ge 1`.
(2) ``bool_and`` :math:`\bigwedge_i \ell_i`, enforced by :math:`e_1 \wedge \ldots \wedge e_K`:
    :math:`\ell_i + \sum_k (1 - e_k) \ge 1` for each :math:`i` (an enforced ``bool_or`` likewise
    adds :math:`\sum_k (1 - e_k)` to (1)).
(3) ``at_most_one`` / ``exactly_one``: :math:`\sum_i \ell_i \le 1` / :math:`= 1`.
(4) ``linear`` :math:`L \le \sum_j a_j x_j \le U` (the hull of its domain); enforced by
    :math:`e`, each finite side is relaxed by the expression's range from the column bounds when
    :math:`e` is false (big-M with :math:`M` the exact range: no tighter constant is valid).
(5) ``lin_max`` :math:`t = \max_i f_i`: :math:`t \ge f_i` for each :math:`i` (a relaxation:
    :math:`t` may exceed the maximum; exact where the objective and every other row only gain
    from a smaller :math:`t`, as a penalty's maximum does).

The objective is CP-SAT's (its offset kept), minimised. Every row is implied by the CP-SAT model,
so every CP-SAT solution is a MILP solution of the same objective: **the MILP's dual bound is a
lower bound of the CP-SAT model**. A MILP solution may break the CP-SAT model only where a
relaxation above (holes, (5)) leaves room, so a caller fixes the columns it trusts and lets CP-SAT
complete and value the rest (:func:`models.roster.solve`'s ``search: mip`` does). Any other
constraint type raises :class:`UnsupportedConstraint`.

The rows are gathered constraint by constraint in Python: one pass over the proto, fine for models
of some hundred thousand constraints (``lsc-sact-nurses``: 4,577 constraints, 6,728 rows, 0.1 s),
not for the millions a year's rota of 150 people holds.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from solvers.matrix import INF, MatrixModel

__all__ = ["LinearisationStopped", "UnsupportedConstraint", "linear_model"]

_BIG = 2**62  # CP-SAT's bound for an unbounded side of a domain
CHECK_EVERY = 5000
"""Constraints written between two looks at the deadline (a generated 60 x 112 ward: 217,322 rows
from its constraints in 3.3 s)."""


class UnsupportedConstraint(ValueError):
    """The CP-SAT model holds a constraint :func:`linear_model` has no rows for."""


class LinearisationStopped(RuntimeError):
    """The deadline came while :func:`linear_model` wrote the rows."""


def linear_model(proto: Any, name: str = "cpsat-as-mip", deadline: float | None = None) -> MatrixModel:
    """The MILP of CP-SAT model ``proto`` (a ``CpModelProto``; module docstring): column ``j`` is
    CP-SAT variable ``j``. ``deadline`` (``time.monotonic()``): :class:`LinearisationStopped`
    once passed, looked at every :data:`CHECK_EVERY` constraints."""
    n = len(proto.variables)
    domains = [list(v.domain) for v in proto.variables]  # ortools' containers take no index -1
    lower = np.array([d[0] for d in domains], dtype=float)
    upper = np.array([d[-1] for d in domains], dtype=float)
    rows = _Rows(lower, upper)
    for index, ct in enumerate(proto.constraints):
        if deadline is not None and index % CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise LinearisationStopped(f"the deadline came after {index:,} of the model's constraints")
        kind = _kind(ct)
        enforced = [_literal(r) for r in ct.enforcement_literal]
        if kind == "bool_or":
            rows.add_literals(_literals(ct.bool_or.literals) + [_negation(e) for e in enforced], 1, INF)
        elif kind == "bool_and":
            for lit in _literals(ct.bool_and.literals):
                rows.add_literals([lit] + [_negation(e) for e in enforced], 1, INF)
        elif kind in ("at_most_one", "exactly_one") and not enforced:
            lits = _literals(getattr(ct, kind).literals)
            rows.add_literals(lits, 1 if kind == "exactly_one" else -INF, 1)
        elif kind == "linear":
            rows.add_linear(ct.linear.vars, ct.linear.coeffs, list(ct.linear.domain), enforced)
        elif kind == "lin_max" and not enforced:
            target = ct.lin_max.target
            for expr in ct.lin_max.exprs:
                rows.add_affine(
                    list(target.vars) + list(expr.vars),
                    list(target.coeffs) + [-c for c in expr.coeffs],
                    target.offset - expr.offset,
                    0.0,
                    INF,
                )
        else:
            why = f"{kind} with an enforcement literal" if enforced else kind
            raise UnsupportedConstraint(f"no linear rows for CP-SAT's {why} constraint")
    model = MatrixModel(name)
    cost = np.zeros(n)
    for var, coeff in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        if var < 0:
            raise UnsupportedConstraint("a negated variable in the objective")
        cost[var] += coeff
    if proto.objective.scaling_factor not in (0.0, 1.0) or proto.has_floating_point_objective():
        raise UnsupportedConstraint("an objective scaled or in floating point (a maximised one)")
    model.add_variables("v", n, lower=lower, upper=upper, cost=cost, integer=True)
    model.objective_offset = float(proto.objective.offset)
    row, col, val = rows.arrays()
    model.add_constraints(
        "rows", rows.count, row, col, val, lower=rows.lower_array(), upper=rows.upper_array()
    )
    return model


_KINDS = ("bool_or", "bool_and", "at_most_one", "exactly_one", "linear", "lin_max")
_OTHERS = (
    *("bool_xor", "int_prod", "int_div", "int_mod", "element", "table", "automaton", "all_diff"),
    *("circuit", "routes", "inverse", "interval", "no_overlap", "no_overlap_2d", "cumulative", "reservoir"),
)


def _kind(ct: Any) -> str:
    """The constraint's type, by the ``has_*`` methods of ortools' proto objects."""
    for kind in _KINDS + _OTHERS:
        if getattr(ct, f"has_{kind}")():
            return kind
    return "unknown"


def _literal(ref: int) -> tuple[int, float, float]:
    """A literal as (column, coefficient, constant): ``x`` is (j, 1, 0), ``not x`` (j, -1, 1)."""
    return (ref, 1.0, 0.0) if ref >= 0 else (-ref - 1, -1.0, 1.0)


def _negation(lit: tuple[int, float, float]) -> tuple[int, float, float]:
    column, coeff, constant = lit
    return (column, -coeff, 1.0 - constant)


def _literals(refs: Any) -> list[tuple[int, float, float]]:
    return [_literal(r) for r in refs]


class _Rows:
    """Rows gathered as coordinate triplets with their bounds."""

    def __init__(self, col_lower: np.ndarray, col_upper: np.ndarray) -> None:
        self.col_lower, self.col_upper = col_lower, col_upper
        self.row: list[int] = []
        self.col: list[int] = []
        self.val: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.count = 0

    def add_affine(self, cols: list[int], coeffs: list[float], constant: float, lo: float, hi: float) -> None:
        """The row ``lo <= sum(coeffs * x[cols]) + constant <= hi``."""
        if any(c < 0 for c in cols):
            raise UnsupportedConstraint("a negated variable in a linear expression")
        self.row.extend([self.count] * len(cols))
        self.col.extend(cols)
        self.val.extend(float(c) for c in coeffs)
        self.lower.append(lo - constant)
        self.upper.append(hi - constant)
        self.count += 1

    def add_literals(self, lits: list[tuple[int, float, float]], lo: float, hi: float) -> None:
        """The row ``lo <= sum of the literals <= hi``."""
        self.add_affine([c for c, _, _ in lits], [a for _, a, _ in lits], sum(k for _, _, k in lits), lo, hi)

    def add_linear(
        self, cols: Any, coeffs: Any, domain: Any, enforced: list[tuple[int, float, float]]
    ) -> None:
        """(4): ``sum(coeffs * x[cols])`` in the hull of ``domain``, relaxed when an enforcement
        literal is false by the expression's range over the column bounds."""
        cols, coeffs = list(cols), [float(c) for c in coeffs]
        lo = -INF if domain[0] <= -_BIG else float(domain[0])
        hi = INF if domain[-1] >= _BIG else float(domain[-1])
        if not enforced:
            self.add_affine(cols, coeffs, 0.0, lo, hi)
            return
        a = np.array(coeffs)
        at_lower, at_upper = a * self.col_lower[cols], a * self.col_upper[cols]
        least, most = float(np.minimum(at_lower, at_upper).sum()), float(np.maximum(at_lower, at_upper).sum())
        if not (np.isfinite(least) and np.isfinite(most)):
            raise UnsupportedConstraint("an enforced linear constraint over an unbounded variable")
        off = [_negation(e) for e in enforced]  # the rows' slack grows with each false literal
        if lo > -INF:  # sum + (lo - least) * sum(off) >= lo
            m = lo - least
            self.add_affine(cols + [c for c, _, _ in off], coeffs + [m * a_ for _, a_, _ in off],
                            m * sum(k for _, _, k in off), lo, INF)  # fmt: skip
        if hi < INF:  # sum - (most - hi) * sum(off) <= hi
            m = most - hi
            self.add_affine(cols + [c for c, _, _ in off], coeffs + [-m * a_ for _, a_, _ in off],
                            -m * sum(k for _, _, k in off), -INF, hi)  # fmt: skip

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (np.array(self.row, dtype=np.int64), np.array(self.col, dtype=np.int64), np.array(self.val))

    def lower_array(self) -> np.ndarray:
        return np.array(self.lower, dtype=float)

    def upper_array(self) -> np.ndarray:
        return np.array(self.upper, dtype=float)
