"""Holds on stock for a customer at a pickup location: reservations and click & collect."""
