"""Identifier patterns, shared by the event contracts and the HTTP bodies.

Kept apart from the contracts so that an API function validating a SKU does not build every
event model at its cold start.
"""

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
LOCATION_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
PRODUCT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
PROMOTION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
CATEGORY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$"
