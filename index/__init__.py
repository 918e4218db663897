"""Corpus -> cleaned, understood documents -> a Whoosh index generation."""
