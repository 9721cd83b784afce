"""EventBridge sources, named once for the contracts and the topology."""

INBOUND_STOCK_SOURCES = ("retail.pos", "retail.erp", "retail.wms")
STOCK_EVENT_SOURCE = "retail.stock"
RESERVATION_EVENT_SOURCE = "retail.reservations"
ORDER_EVENT_SOURCE = "retail.orders"
RETURN_EVENT_SOURCE = "retail.returns"  # purchases and returns
LOYALTY_EVENT_SOURCE = "retail.loyalty"  # points and tiers
MESSAGE_EVENT_SOURCE = "retail.messages"  # what the customer messages ask of themselves (review requests)
