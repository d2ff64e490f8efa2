"""The text layer: folding and search terms, shared by the rules and the warehouse.

    fold     lower case, no diacritics: how minutes compares words
    key      what a `*_key` column holds
    terms    search terms of a text (folded Swedish stems) and of a query
"""
from .fold import fold, fold_same_length, key, squash

__all__ = ["fold", "fold_same_length", "key", "squash"]
