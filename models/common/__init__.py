"""What the formulation packages share: the contract (:mod:`models.common.contract`) and helpers."""

from models.common.contract import CheckReport, InputProblem, ModelInputError, Plan, Progress, finite_or_none

__all__ = ["CheckReport", "InputProblem", "ModelInputError", "Plan", "Progress", "finite_or_none"]
