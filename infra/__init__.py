"""Infrastructure: the topology declaration (plain data) and the CDK app that deploys it."""

import gc

gc.freeze()  # the libraries loaded so far live as long as the process (see shared/__init__.py)
