"""The domain of the omnichannel retail backend and its adapters, shared by all functions.

A handler imports its libraries first (Powertools, pydantic), then this package, ``events``
or ``infra``: whichever comes first moves what is loaded so far out of the garbage collector's
sight (gc.freeze). Those objects live as long as the container; without this the first full
collection, due just then, walks all of them (some 30 ms of a cold start) and every later
full collection does again.
"""

import gc

gc.freeze()
