"""Delivery zones and time slots with capacity: where an order can be delivered or collected, and when."""
