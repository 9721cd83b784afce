"""Stores, warehouses and pickup points: where stock is and what each place offers."""
