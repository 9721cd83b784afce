"""The one declaration of what the system is made of.

Tables, functions, HTTP routes, event rules, queues and stream consumers are declared here
once, as plain data with no CDK import, so that the CDK stack (``infra/stack.py``) and the
local runner (``local/``) build the same system from it. ``tests/infra`` proves that the
synthesized template and the running local system agree with this file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from events.sources import (
    CATALOG_SOURCES,
    CUSTOMER_EVENT_SOURCE,
    INBOUND_STOCK_SOURCES,
    MESSAGE_EVENT_SOURCE,
    ORDER_EVENT_SOURCE,
    RESERVATION_EVENT_SOURCE,
    RETURN_EVENT_SOURCE,
    STOCK_EVENT_SOURCE,
)


class Access(StrEnum):
    """Who may call a route. Checked by API Gateway (JWT present) and by the handler (role)."""

    PUBLIC = "public"  # anyone, no token: webshop product pages
    CUSTOMER = "customer"  # a signed-in shopper, sees only their own things
    STAFF = "staff"  # store staff, bound to one location by their token
    INTEGRATION = "integration"  # ERP, POS, WMS machine clients
    ADMIN = "admin"  # retailer head office


@dataclass(frozen=True)
class Table:
    name: str  # logical name; the env var TABLE_NAME carries the physical one
    partition_key: str
    sort_key: str
    global_indexes: tuple[tuple[str, str, str], ...]  # (index name, pk, sk)
    ttl_attribute: str
    stream: bool


@dataclass(frozen=True)
class Throttle:
    """Steady requests per second and burst for one route, over all its callers (API Gateway
    stage route settings). Per-customer quotas (holds) and per-order lockouts (pickup codes)
    are enforced by the handlers; these keep any one route from swamping the rest."""

    rate: float
    burst: int


PUBLIC_READS = Throttle(rate=100, burst=200)  # webshop product and stock pages, no token
SIGNED_IN_READS = Throttle(rate=50, burst=100)
CUSTOMER_WRITES = Throttle(rate=20, burst=40)  # holds, orders, returns: what a hoarder or bot would call
OPERATIONS_CALLS = Throttle(rate=50, burst=100)  # store staff, POS, ERP and head office
CODE_CHECKS = Throttle(rate=10, burst=20)  # where pickup codes are entered (and could be guessed)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # API Gateway style: /stock/{sku}
    access: tuple[Access, ...]
    throttle: Throttle | None = None  # None: by route class (see ``limits``)

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def is_public(self) -> bool:
        return Access.PUBLIC in self.access

    @property
    def limits(self) -> Throttle:
        """The declared throttle, else the one for its class: public reads, reads, customer writes, operations."""
        if self.throttle is not None:
            return self.throttle
        if self.method == "GET":
            return PUBLIC_READS if self.is_public else SIGNED_IN_READS
        if Access.CUSTOMER in self.access:
            return CUSTOMER_WRITES
        return OPERATIONS_CALLS


@dataclass(frozen=True)
class Queue:
    """AWS: visibility timeout at least 6x the consumer's timeout (so a message is not handed out
    again while Lambda's poller still retries a throttled batch), and at least 5 receives before
    the dead-letter queue (tests/infra/test_queue_limits.py holds every queue to both)."""

    name: str
    batch_size: int = 10
    max_receive_count: int = 5  # then the message moves to the queue's dead-letter queue
    visibility_timeout_seconds: int = 180
    max_concurrency: int | None = None  # most concurrent consumer invocations (2..1000): a downstream quota

    @property
    def dead_letter_name(self) -> str:
        return f"{self.name}-dlq"


TABLE_ACTIONS = frozenset({"GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "DeleteItem",
                           "BatchWriteItem", "ConditionCheckItem"})  # never Scan: no code scans


@dataclass(frozen=True)
class TableAccess:
    """The DynamoDB actions a function's code calls on the table, and the indexes it queries.

    A transaction (TransactWriteItems) is authorized per item: PutItem, UpdateItem, DeleteItem or
    ConditionCheckItem for each kind of item it writes. Indexes are only ever queried.
    ``tests/infra/test_least_privilege.py`` derives the same from the code and wants them equal.
    """

    actions: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.actions) - TABLE_ACTIONS
        if unknown:
            raise ValueError(f"not a table action this system grants: {sorted(unknown)}")


NO_TABLE = TableAccess()  # the function never touches the table


@dataclass(frozen=True)
class Function:
    name: str
    handler: str  # module path of the Lambda entry point, e.g. functions.stock_read_api.handler
    description: str
    routes: tuple[Route, ...] = ()
    queue: str | None = None  # consumes this queue (SQS event source, partial batch failures)
    table_stream: bool = False  # consumes the table's stream (stream -> events)
    stream_key_prefixes: tuple[str, ...] = ()  # only records whose pk starts so reach it
    table_access: TableAccess = NO_TABLE  # exactly the table actions and indexes its code calls
    publishes_events: bool = False
    schedule_minutes: int | None = None  # invoked on this schedule (EventBridge rule)
    sends_messages: bool = False  # e-mail through SES and SMS through SNS
    websocket_routes: tuple[str, ...] = ()  # routes of the store feed (WebSocket API) it serves
    authorizes_websocket: bool = False  # the feed's $connect authorizer (REQUEST, token in the query)
    manages_devices: bool = False  # creates and deletes SNS platform endpoints for store devices
    manages_accounts: bool = False  # creates and deletes customers' users in the Cognito user pool
    pushes: bool = False  # publishes to device endpoints and posts to WebSocket connections
    memory_mb: int = 512
    timeout_seconds: int = 10

    @property
    def entry(self) -> str:
        return f"{self.handler}.lambda_handler"


@dataclass(frozen=True)
class EventRule:
    """An EventBridge rule on the retail bus that feeds one queue."""

    name: str
    description: str
    pattern: dict[str, object]
    queue: str


@dataclass(frozen=True)
class Redelivery:
    """How long a message can come back, and so how long every consumer must remember it.

    An event archived today can be replayed until the archive forgets it; a replayed (or any)
    message that keeps failing moves to a dead-letter queue, which keeps it (from its first
    enqueue) until it is redriven; a redriven message sits in its source queue once more.
    Dedupe records (idempotency keys, notifier sends) outlive all of that, with a margin for a
    redrive decided late. The CDK stack takes its retentions from here; tests/infra proves it.
    """

    archive_retention_days: int = 30
    dead_letter_retention_days: int = 14  # the most SQS allows
    queue_retention_days: int = 4
    margin_days: int = 7

    @property
    def window_days(self) -> int:
        """The longest a delivered message can come back after its first delivery."""
        return self.archive_retention_days + self.dead_letter_retention_days + self.queue_retention_days

    @property
    def dedupe_days(self) -> int:
        return self.window_days + self.margin_days

    @property
    def dedupe_seconds(self) -> int:
        return self.dedupe_days * 24 * 3600


REDELIVERY = Redelivery()


@dataclass(frozen=True)
class Topology:
    bus_name: str
    store_app_dir: str  # the store staff web app (static files), served from S3 + CloudFront
    table: Table
    functions: tuple[Function, ...]
    queues: tuple[Queue, ...]
    rules: tuple[EventRule, ...]

    @property
    def routes(self) -> tuple[tuple[Route, Function], ...]:
        return tuple((route, fn) for fn in self.functions for route in fn.routes)

    def function(self, name: str) -> Function:
        return next(fn for fn in self.functions if fn.name == name)

    def queue(self, name: str) -> Queue:
        return next(q for q in self.queues if q.name == name)

    def consumer_of(self, queue_name: str) -> Function:
        return next(fn for fn in self.functions if fn.queue == queue_name)


ANYONE = (Access.PUBLIC,)
OPERATIONS = (Access.STAFF, Access.INTEGRATION, Access.ADMIN)  # staff only at their own location
ERP_AND_HEAD_OFFICE = (Access.INTEGRATION, Access.ADMIN)


TOPOLOGY = Topology(
    bus_name="retail",
    store_app_dir="storeapp",
    table=Table(
        name="retail",
        partition_key="pk",
        sort_key="sk",
        global_indexes=(("gsi1", "gsi1pk", "gsi1sk"), ("gsi2", "gsi2pk", "gsi2sk"), ("gsi3", "gsi3pk", "gsi3sk")),
        ttl_attribute="expires_at_epoch",
        stream=True,
    ),
    functions=(
        Function(
            name="locations-api",
            handler="functions.locations_api.handler",
            description="Stores, warehouses and pickup points: read by anyone, managed by admins",
            routes=(
                Route("GET", "/locations", ANYONE),
                Route("GET", "/locations/{location_id}", ANYONE),
                Route("PUT", "/locations/{location_id}", (Access.ADMIN,)),
            ),
            table_access=TableAccess(actions=("GetItem", "PutItem"), indexes=("gsi1",)),
        ),
        Function(
            name="stock-read-api",
            handler="functions.stock_read_api.handler",
            description="Stock reads: one SKU everywhere, many SKUs at many locations, nearest",
            routes=(
                Route("GET", "/stock", ANYONE),
                Route("GET", "/stock/{sku}", ANYONE),
                Route("GET", "/stock/{sku}/nearest", ANYONE),
                Route("GET", "/stock/{sku}/locations/{location_id}", OPERATIONS),
            ),
            table_access=TableAccess(actions=("BatchGetItem", "GetItem", "Query"), indexes=("gsi1",)),
        ),
        Function(
            name="stock-write-api",
            handler="functions.stock_write_api.handler",
            description="Stock changes, counts and settings over HTTP, each applied exactly once",
            routes=(
                Route("POST", "/stock/{sku}/locations/{location_id}/changes", OPERATIONS),
                Route("PUT", "/stock/{sku}/locations/{location_id}/count", OPERATIONS),
                Route("PUT", "/stock/{sku}/locations/{location_id}/settings", (Access.STAFF, Access.ADMIN)),
            ),
            table_access=TableAccess(actions=("GetItem", "PutItem", "UpdateItem"), indexes=("gsi1",)),
        ),
        Function(
            name="reservations-api",
            handler="functions.reservations_api.handler",
            description="Customers hold stock at a pickup location: all lines or none, once per key",
            routes=(
                Route("POST", "/reservations", (Access.CUSTOMER, Access.STAFF, Access.ADMIN)),
                Route("GET", "/reservations", (Access.CUSTOMER,)),
                Route("GET", "/reservations/{reservation_id}", (Access.CUSTOMER, *OPERATIONS)),
                Route("POST", "/reservations/{reservation_id}/cancel", (Access.CUSTOMER, *OPERATIONS)),
                Route("POST", "/reservations/{reservation_id}/extend", (Access.CUSTOMER, *OPERATIONS)),
            ),
            table_access=TableAccess(actions=("BatchGetItem", "GetItem", "PutItem", "Query", "UpdateItem"),
                                     indexes=("gsi1", "gsi2")),
        ),
        Function(
            name="orders-api",
            handler="functions.orders_api.handler",
            description="Orders from any location to any destination: placed by customers or associates, "
                        "prepared, shipped, received and handed over by stores, tracked by carriers",
            routes=(
                Route("POST", "/orders", (Access.CUSTOMER, Access.STAFF, Access.ADMIN)),
                Route("GET", "/orders", (Access.CUSTOMER,)),
                Route("GET", "/orders/{order_id}", (Access.CUSTOMER, *OPERATIONS)),
                Route("GET", "/locations/{location_id}/orders", OPERATIONS),
                Route("POST", "/orders/{order_id}/accept", OPERATIONS),
                Route("POST", "/orders/{order_id}/picking", OPERATIONS),
                Route("POST", "/orders/{order_id}/lines/{sku}/short", OPERATIONS),
                Route("POST", "/orders/{order_id}/ready", OPERATIONS),
                Route("POST", "/orders/{order_id}/ready/resend", OPERATIONS),
                Route("POST", "/orders/{order_id}/pickup-code", OPERATIONS),
                Route("POST", "/orders/{order_id}/collect", OPERATIONS, CODE_CHECKS),
                Route("POST", "/orders/{order_id}/cancel", (Access.CUSTOMER, *OPERATIONS)),
                Route("POST", "/orders/{order_id}/payment", OPERATIONS),
                Route("GET", "/locations/{location_id}/fulfilments", OPERATIONS),
                Route("POST", "/orders/{order_id}/fulfilments/{fulfilment_id}/ship", (Access.STAFF, Access.ADMIN)),
                Route("POST", "/orders/{order_id}/fulfilments/{fulfilment_id}/lines/{sku}/reject",
                      (Access.STAFF, Access.ADMIN)),
                Route("POST", "/orders/{order_id}/fulfilments/{fulfilment_id}/receive", (Access.STAFF, Access.ADMIN)),
                Route("POST", "/carriers/{carrier_id}/events", (Access.INTEGRATION,)),
            ),
            table_access=TableAccess(actions=("BatchGetItem", "GetItem", "PutItem", "Query", "UpdateItem"),
                                     indexes=("gsi1", "gsi2")),
        ),
        Function(
            name="fulfilment-api",
            handler="functions.fulfilment_api.handler",
            description="Fulfilment options for a basket (any store or warehouse, pickup or delivery) and open slots",
            routes=(
                Route("POST", "/fulfilment-options", ANYONE),
                Route("GET", "/slots", ANYONE),
            ),
            table_access=TableAccess(actions=("BatchGetItem", "GetItem"), indexes=("gsi1",)),
        ),
        Function(
            name="purchases-api",
            handler="functions.purchases_api.handler",
            description="Store sales from the till, and every customer's purchases from every channel",
            routes=(
                Route("POST", "/purchases", (Access.STAFF, Access.INTEGRATION)),
                Route("GET", "/purchases", (Access.CUSTOMER,)),
                Route("GET", "/purchases/lookup", (Access.STAFF, Access.ADMIN)),  # before /{purchase_id}
                Route("GET", "/purchases/{purchase_id}", (Access.CUSTOMER, *OPERATIONS)),
                Route("GET", "/locations/{location_id}/price-overrides", (Access.STAFF, Access.ADMIN)),
            ),
            table_access=TableAccess(actions=("BatchGetItem", "GetItem", "PutItem", "UpdateItem"),
                                     indexes=("gsi1", "gsi2")),
        ),
        Function(
            name="customers-api",
            handler="functions.customers_api.handler",
            description="Customers in every channel: enrolled in a store with a loyalty card, found by card, "
                        "their own account, export and erasure",
            routes=(
                Route("POST", "/customers", (Access.STAFF, Access.ADMIN)),
                Route("GET", "/customers", OPERATIONS),  # ?card= (the till) or ?email=
                Route("GET", "/customers/{customer_id}", OPERATIONS),  # the ERP reads what events leave out
                Route("GET", "/me", (Access.CUSTOMER,)),
                Route("PUT", "/me", (Access.CUSTOMER,)),
                Route("GET", "/me/export", (Access.CUSTOMER,)),
                Route("DELETE", "/me", (Access.CUSTOMER,)),
            ),
            table_access=TableAccess(actions=("DeleteItem", "GetItem", "PutItem", "UpdateItem"), indexes=("gsi2",)),
            manages_accounts=True,
        ),
        Function(
            name="returns-api",
            handler="functions.returns_api.handler",
            description="Returns in any channel: requested, approved, received, inspected, refunded, closed",
            routes=(
                Route("POST", "/returns", (Access.CUSTOMER, *OPERATIONS)),
                Route("GET", "/returns", (Access.CUSTOMER,)),
                Route("GET", "/returns/{return_id}", (Access.CUSTOMER, *OPERATIONS)),
                Route("GET", "/locations/{location_id}/returns", OPERATIONS),
                Route("POST", "/returns/{return_id}/approve", OPERATIONS),
                Route("POST", "/returns/{return_id}/reject", OPERATIONS),
                Route("POST", "/returns/{return_id}/receive", OPERATIONS),
                Route("POST", "/returns/{return_id}/inspect", OPERATIONS),
                Route("POST", "/returns/{return_id}/refunded", (Access.INTEGRATION, Access.ADMIN)),
                Route("POST", "/returns/{return_id}/close", OPERATIONS),
            ),
            table_access=TableAccess(actions=("GetItem", "PutItem", "UpdateItem"), indexes=("gsi1", "gsi2")),
        ),
        Function(
            name="loyalty-api",
            handler="functions.loyalty_api.handler",
            description="Points and tiers: a customer's balance and history; staff look up a customer's",
            routes=(
                Route("GET", "/me/points", (Access.CUSTOMER,)),
                Route("GET", "/customers/{customer_id}/points", (Access.STAFF, Access.ADMIN)),
            ),
            table_access=TableAccess(actions=("GetItem",), indexes=("gsi2",)),
        ),
        Function(
            name="devices-api",
            handler="functions.devices_api.handler",
            description="Store devices register their push tokens; staff get suggested accessories",
            routes=(
                Route("POST", "/locations/{location_id}/devices", (Access.STAFF, Access.ADMIN)),
                Route("GET", "/locations/{location_id}/devices", (Access.STAFF, Access.ADMIN)),
                Route("DELETE", "/locations/{location_id}/devices/{device_id}", (Access.STAFF, Access.ADMIN)),
                Route("GET", "/locations/{location_id}/suggestions", OPERATIONS),
            ),
            table_access=TableAccess(actions=("BatchGetItem", "DeleteItem", "GetItem", "PutItem", "Query"),
                                     indexes=("gsi1",)),
            manages_devices=True,
        ),
        Function(
            name="catalog-api",
            handler="functions.catalog_api.handler",
            description="Products, prices and promotions: read and searched by anyone, kept current by the ERP",
            routes=(
                Route("GET", "/products", ANYONE),
                Route("GET", "/products/{product_id}", ANYONE),
                Route("PUT", "/products/{product_id}", ERP_AND_HEAD_OFFICE),
                Route("PUT", "/prices/{sku}", ERP_AND_HEAD_OFFICE),
                Route("POST", "/catalog/imports", ERP_AND_HEAD_OFFICE),
                Route("PUT", "/promotions/{promotion_id}", ERP_AND_HEAD_OFFICE),
                Route("GET", "/promotions", ANYONE),
                Route("GET", "/me/recommendations", (Access.CUSTOMER,)),
            ),
            table_access=TableAccess(actions=("BatchGetItem", "GetItem", "PutItem", "Query", "UpdateItem"),
                                     indexes=("gsi1", "gsi2", "gsi3")),
            timeout_seconds=30,  # an import applies up to a few hundred updates one by one
        ),
        Function(
            name="catalog-consumer",
            handler="functions.catalog_consumer.handler",
            description="Applies product, price and promotion updates from the ERP; counts what is bought together",
            queue="catalog-updates",
            table_access=TableAccess(actions=("BatchGetItem", "GetItem", "PutItem", "UpdateItem"), indexes=()),
            timeout_seconds=30,
        ),
        Function(
            name="feed-authorizer",
            handler="functions.feed_authorizer.handler",
            description="Verifies a store device's token on $connect and allows the feed of one store",
            authorizes_websocket=True,
            table_access=NO_TABLE,  # the token and the store it names are all it checks
        ),
        Function(
            name="store-feed",
            handler="functions.store_feed.handler",
            description="The live feed's connections: authorized for one store on $connect, removed on leave",
            websocket_routes=("$connect", "$disconnect"),
            table_access=TableAccess(actions=("DeleteItem", "PutItem"), indexes=()),
        ),
        Function(
            name="store-notifier",
            handler="functions.store_notifier.handler",
            description="Tells a store's devices what to do: push to each device and the live feed, once",
            queue="store-notifications",
            table_access=TableAccess(actions=("DeleteItem", "GetItem", "PutItem", "UpdateItem"), indexes=("gsi1",)),
            pushes=True,
            timeout_seconds=30,
        ),
        Function(
            name="customer-notifier",
            handler="functions.customer_notifier.handler",
            description="Tells customers about orders, holds, receipts, returns; asks reviews (SES, SNS; nl/en)",
            queue="customer-messages",
            table_access=TableAccess(actions=("BatchGetItem", "DeleteItem", "GetItem", "PutItem", "UpdateItem"),
                                     indexes=("gsi1",)),  # BatchGetItem: product names for e-receipts
            sends_messages=True,
            timeout_seconds=30,
        ),
        Function(
            name="reservation-sweeper",
            handler="functions.reservation_sweeper.handler",
            description="Releases expired holds and uncollected orders, sends reminders, asks reviews, moves parcels",
            schedule_minutes=1,
            table_access=TableAccess(actions=("GetItem", "PutItem", "UpdateItem"), indexes=("gsi1", "gsi3")),
            timeout_seconds=50,
        ),
        Function(
            name="stock-updates-consumer",
            handler="functions.stock_updates_consumer.handler",
            description="Applies stock events from POS, ERP and WMS, one line at a time",
            queue="stock-updates",
            table_access=TableAccess(actions=("BatchGetItem", "GetItem", "PutItem", "UpdateItem"), indexes=("gsi1",)),
            timeout_seconds=30,
        ),
        Function(
            name="stock-stream-publisher",
            handler="functions.stock_stream_publisher.handler",
            description="Publishes committed stock changes from the table stream to the bus",
            table_stream=True,
            stream_key_prefixes=("SKU#", "RES#", "ORD#", "PUR#", "RET#", "REVIEW#", "CUSTOMER#"),
            table_access=NO_TABLE,  # reads the stream's images, never the table
            publishes_events=True,
            timeout_seconds=30,
        ),
    ),
    queues=(
        Queue(name="stock-updates", batch_size=10, max_receive_count=5, visibility_timeout_seconds=180),
        # SES sends 14 messages/s and SNS 20 SMS/s by default (account quotas); each invocation sends
        # its batch one by one, so two at a time stay below them (2 is the least SQS mappings allow).
        Queue(name="customer-messages", batch_size=10, max_receive_count=5, visibility_timeout_seconds=180,
              max_concurrency=2),
        Queue(name="store-notifications", batch_size=10, max_receive_count=5, visibility_timeout_seconds=180),
        Queue(name="catalog-updates", batch_size=10, max_receive_count=5, visibility_timeout_seconds=180),
    ),
    rules=(
        EventRule(
            name="inbound-stock-updates",
            description="Sales, counts and receipts from POS, ERP and WMS go to the stock consumer",
            pattern={
                "source": list(INBOUND_STOCK_SOURCES),
                "detail-type": ["SaleRecorded", "GoodsReceived", "StockCounted"],
            },
            queue="stock-updates",
        ),
        EventRule(
            name="customer-order-messages",
            description="Order, parcel, hold and return steps a customer is told about, e-receipts, review "
                        "requests and account invitations",
            pattern={
                "source": [ORDER_EVENT_SOURCE, RETURN_EVENT_SOURCE, RESERVATION_EVENT_SOURCE, MESSAGE_EVENT_SOURCE,
                           CUSTOMER_EVENT_SOURCE],
                "detail-type": ["OrderPlaced", "OrderLineShort", "OrderReadyForPickup", "OrderPickupReminder",
                                "OrderCollected", "OrderCancelled", "OrderNotCollected", "OrderShipped",
                                "OrderDelivered", "OrderPromiseChanged", "ShipmentFailed", "PurchaseRecorded",
                                "ReturnRequested", "ReturnApproved", "ReturnRejected", "ReturnReceived",
                                "ReturnInspected", "ReturnRefunded", "ReturnClosed", "ReservationCreated",
                                "ReviewRequested", "CustomerRegistered"],
            },
            queue="customer-messages",
        ),
        EventRule(
            name="store-notifications",
            description="What a store must act on: new orders and holds, pickups due, low stock, returns coming, "
                        "parcels to ship and transfers coming",
            pattern={
                "source": [ORDER_EVENT_SOURCE, RESERVATION_EVENT_SOURCE, STOCK_EVENT_SOURCE, RETURN_EVENT_SOURCE],
                "detail-type": ["OrderPlaced", "OrderPickupReminder", "OrderCancelled", "ReservationCreated",
                                "StockLow", "OutOfStock", "StockShortfall", "ReturnApproved", "FulfilmentRequested",
                                "TransferDispatched"],
            },
            queue="store-notifications",
        ),
        EventRule(
            name="stock-shortfalls",
            description="A fact left fewer units than are held: the stock consumer resolves the holds",
            pattern={"source": [STOCK_EVENT_SOURCE], "detail-type": ["StockShortfall"]},
            queue="stock-updates",
        ),
        EventRule(
            name="catalog-updates",
            description="Products, prices and promotions from the ERP go to the catalog consumer",
            pattern={"source": list(CATALOG_SOURCES),
                     "detail-type": ["ProductUpserted", "PriceChanged", "PromotionUpserted"]},
            queue="catalog-updates",
        ),
        EventRule(
            name="bought-together",
            description="Every recorded purchase, in any channel, counts what is bought together",
            pattern={"source": [RETURN_EVENT_SOURCE], "detail-type": ["PurchaseRecorded"]},
            queue="catalog-updates",
        ),
    ),
)
