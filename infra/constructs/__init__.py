"""The stack's building blocks, one module per capability, each built from the topology."""
