"""Importers that build instances from public data files."""
