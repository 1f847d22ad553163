"""Scoring against hand-labelled gold, exactly by the rules of SCHEMA.md."""
