"""Stock per SKU x location: the quantities, their invariants and the changes to them."""
