"""Sub-commands of the CLI that take kind-specific options."""
