"""Carriers: shipping a parcel and hearing how it travels (a port; the sandbox carrier stands in for real ones)."""
