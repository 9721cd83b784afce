"""In-memory stores with the contracts of the DynamoDB ones, for unit tests at the speed of
pure Python. They live with the tests (they are not shipped), and the stateful machines hold
them and the DynamoDB stores to the same outcomes."""
