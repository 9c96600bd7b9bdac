"""One module per formulation: typed input -> solver model -> typed plan.

Models know nothing of files or the CLI; they read typed inputs built by ``optimiser`` and hand
solver models to ``solvers``.
"""
