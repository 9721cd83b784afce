"""The domain of the omnichannel retail backend and its adapters, shared by all functions."""
