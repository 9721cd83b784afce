"""Event contracts: the pydantic models are the source; schemas/ and samples/ are derived."""

import gc

gc.freeze()  # the libraries loaded so far live as long as the process (see shared/__init__.py)
