"""Adapters: DynamoDB, EventBridge and in-memory implementations of the domain's ports."""
