"""Bundled illustrative instances (one folder each) and generators for any size."""
