"""EventBridge sources, named once for the contracts and the topology."""

INBOUND_STOCK_SOURCES = ("retail.pos", "retail.erp", "retail.wms")
STOCK_EVENT_SOURCE = "retail.stock"
RESERVATION_EVENT_SOURCE = "retail.reservations"
ORDER_EVENT_SOURCE = "retail.orders"
RETURN_EVENT_SOURCE = "retail.returns"  # purchases and returns
CATALOG_SOURCES = ("retail.erp",)  # products, prices and promotions
CUSTOMER_EVENT_SOURCE = "retail.customers"  # customer accounts, for the ERP
LOYALTY_EVENT_SOURCE = "retail.loyalty"  # points and tiers
MESSAGE_EVENT_SOURCE = "retail.messages"  # what the customer messages ask of themselves (review requests)
