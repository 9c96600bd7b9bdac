"""Independent checkers: re-check a returned plan against the raw input, without the model code."""
