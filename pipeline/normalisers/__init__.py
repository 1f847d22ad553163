"""Normalisers: surface strings to exact values (numbers, dates, names, phones)."""
