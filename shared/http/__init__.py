"""HTTP: the resolver every API function uses, problem+json errors, and API models."""
