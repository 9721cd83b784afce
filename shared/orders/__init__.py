"""Click & collect orders: placed online, prepared in the store, collected with a code."""
