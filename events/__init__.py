"""Event contracts: the pydantic models are the source; schemas/ and samples/ are derived."""
