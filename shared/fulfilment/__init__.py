"""Fulfilment options and routing: which locations supply a basket, and by when (pure)."""
