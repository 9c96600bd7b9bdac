"""The engine's shell: instance loading and validation, the CLI, reports and exports."""

__version__ = "0.1.0"
