"""The backends' own names for how a solve ended, in plain words for messages a planner reads.

HiGHS says ``kTimeLimit``, CP-SAT ``FEASIBLE``, pyomo ``maxTimeLimit``; a summary that prints
"Status: feasible (kTimeLimit; ...)" hands the reader a solver's enum.  :func:`plain_words` turns
each backend's name into the same words (``time limit reached``); a name it does not know is
returned as it is, so nothing the backend said is lost.
"""

from __future__ import annotations

_WORDS = {
    # HiGHS (highspy.HighsModelStatus)
    "kOptimal": "optimal",
    "kInfeasible": "infeasible",
    "kUnbounded": "unbounded",
    "kUnboundedOrInfeasible": "unbounded or infeasible",
    "kTimeLimit": "time limit reached",
    "kIterationLimit": "iteration limit reached",
    "kSolutionLimit": "solution limit reached",
    "kInterrupt": "stopped once a plan good enough was found",
    "kHighsInterrupt": "stopped once a plan good enough was found",
    "kObjectiveBound": "objective bound reached",
    "kObjectiveTarget": "objective target reached",
    "kMemoryLimit": "memory limit reached",
    "kUnknown": "stopped without a proof (unknown)",
    "kModelEmpty": "empty model",
    "kModelError": "model error",
    "kLoadError": "load error",
    "kPresolveError": "presolve error",
    "kSolveError": "solve error",
    "kPostsolveError": "postsolve error",
    "kNotset": "not solved",
    # CP-SAT (CpSolver.status_name)
    "OPTIMAL": "optimal",
    "FEASIBLE": "stopped at its limit before proving optimality",
    "INFEASIBLE": "infeasible",
    "MODEL_INVALID": "model invalid",
    "UNKNOWN": "stopped at its limit without a solution",
    # pyomo (TerminationCondition)
    "optimal": "optimal",
    "locallyOptimal": "optimal",
    "globallyOptimal": "optimal",
    "feasible": "feasible",
    "maxTimeLimit": "time limit reached",
    "maxIterations": "iteration limit reached",
    "maxEvaluations": "evaluation limit reached",
    "minFunctionValue": "objective target reached",
    "minStepLength": "stopped at the least step length",
    "userInterrupt": "interrupted",
    "resourceInterrupt": "memory or resource limit reached",
    "infeasible": "infeasible",
    "unbounded": "unbounded",
    "infeasibleOrUnbounded": "unbounded or infeasible",
    "intermediateNonInteger": "stopped at a fractional point",
    "noSolution": "no solution",
    "solverFailure": "solver failure",
    "internalSolverError": "solver error",
    "error": "solver error",
    "invalidProblem": "invalid problem",
    "licensingProblems": "licence problem",
    "other": "stopped for another reason",
    "unknown": "stopped without a proof (unknown)",
}


def plain_words(name: str) -> str:
    """``name`` (a backend's status, with or without its enum prefix, e.g.
    ``HighsModelStatus.kTimeLimit``) in plain words; an unknown name unchanged."""
    return _WORDS.get(name.split(".")[-1], name)
