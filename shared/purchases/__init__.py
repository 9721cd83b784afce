"""Purchases from every channel: store sales and collected web orders, one timeline per customer."""
