"""The catalog in the single table, read at its cost floor.

- product:    pk=PRODUCT#<id> sk=#   gsi1: PRODUCT#<id> / "#"   gsi2: CATEGORY#<category> / <id>
              gsi3: PRODUCTS / <id>   (the product as a document, with ``product_version``)
- variant:    pk=VARIANT#<sku> sk=#  gsi1: PRODUCT#<id> / SKU#<sku>
              (what prices and names a line: product fields with ``product_version``, and the price
              schedule with ``price_version``; each kind of update sets only its own fields)
- promotions: pk=CATALOG sk=PROMOTIONS, one attribute per promotion (``P#<id>``: document, version)

The price of k lines is one BatchGetItem (the k variants and the promotions item); a product
page is one Query of its gsi1 partition (product and variants) and the promotions item.
Every write is conditioned on its version being newer: an older or repeated update is refused
by DynamoDB and reported as not applied.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from shared.adapters import batches, items
from shared.adapters.aws import client
from shared.adapters.cursors import every_page
from shared.adapters.dynamodb_transaction import DynamoDBTransactions, dynamodb
from shared.adapters.expressions import Update
from shared.catalog.model import (
    CatalogEntry,
    PriceList,
    PricePoint,
    PriceSchedule,
    Product,
    Promotion,
    Text,
    Variant,
)
from shared.catalog.ports import ProductPage
from shared.settings import settings
from shared.transactions import Refused

PROMOTIONS_KEY = {"pk": {"S": "CATALOG"}, "sk": {"S": "PROMOTIONS"}}
PROMOTION_PREFIX = "P#"



def product_key(product_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"PRODUCT#{product_id}"}, "sk": {"S": "#"}}


def variant_key(sku: str) -> dict[str, Any]:
    return {"pk": {"S": f"VARIANT#{sku}"}, "sk": {"S": "#"}}


class DynamoDBCatalog:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name
        self._transactions = DynamoDBTransactions(self._table)

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    # -- reads -----------------------------------------------------------------------------

    def price_list(self, skus: Iterable[str]) -> PriceList:
        """One BatchGetItem for up to 99 SKUs (every order and reservation), one more per further 100."""
        keys = [variant_key(sku) for sku in sorted(set(skus))] + [PROMOTIONS_KEY]
        found = self._batch_get(keys)
        entries = {entry.sku: entry for item in found if item["pk"]["S"].startswith("VARIANT#")
                   and (entry := _entry(item)) is not None}
        promotions = next((_promotions(item) for item in found if item["pk"]["S"] == "CATALOG"), ())
        return PriceList(entries=entries, promotions=promotions)

    def product_page(self, product_id: str) -> ProductPage | None:
        found = every_page(self._db, {
            "TableName": self._table, "IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": f"PRODUCT#{product_id}"}}})
        product = next((product_from_item(item) for item in found if item["sk"]["S"] == "#"
                        and item["pk"]["S"].startswith("PRODUCT#")), None)
        if product is None:
            return None
        listed = {variant.sku for variant in product.variants}
        entries = [e for item in found if item["pk"]["S"].startswith("VARIANT#")
                   and (e := _entry(item)) is not None and e.sku in listed]
        order = [variant.sku for variant in product.variants]
        return ProductPage(product=product, entries=tuple(sorted(entries, key=lambda e: order.index(e.sku))),
                           promotions=self.promotions())

    def products(self, product_ids: Iterable[str]) -> list[Product]:
        wanted = sorted(set(product_ids))[:batches.MAX_KEYS]
        if not wanted:
            return []
        found = [product_from_item(item) for item in self._batch_get([product_key(pid) for pid in wanted])]
        return sorted(found, key=lambda product: product.product_id)

    def promotions(self) -> tuple[Promotion, ...]:
        item = self._db.get_item(TableName=self._table, Key=PROMOTIONS_KEY).get("Item")
        return _promotions(item) if item else ()

    def _batch_get(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return list(batches.get_items(self._db, table=self._table, keys=keys))

    # -- updates from the ERP ----------------------------------------------------------------

    def upsert_product(self, product: Product) -> bool:
        """The product and its variants' product fields in one transaction; variants it no longer
        lists are marked discontinued (no longer sold). False when not newer than what is stored."""
        stored = self._db.get_item(TableName=self._table, Key=product_key(product.product_id),
                                   ConsistentRead=True).get("Item")
        dropped = sorted({v.sku for v in product_from_item(stored).variants} - {v.sku for v in product.variants}) \
            if stored else []
        tx = self._transactions.begin()
        item = product_key(product.product_id) | items.to_item({
            "gsi1pk": f"PRODUCT#{product.product_id}", "gsi1sk": "#",
            "gsi2pk": f"CATEGORY#{product.category}", "gsi2sk": product.product_id,
            "gsi3pk": "PRODUCTS", "gsi3sk": product.product_id,
            "product_version": product.version, "product": json.dumps(product_document(product)),
            "search_text": search_text(product),
        })
        dynamodb(tx).put(item, subject=product, condition={
            "ConditionExpression": "attribute_not_exists(product_version) OR product_version < :version",
            "ExpressionAttributeValues": {":version": items.to_attr(product.version)}})
        for variant in product.variants:
            dynamodb(tx).update(_variant_update(product, variant).build(), subject=variant)
        for sku in dropped:
            update = Update(variant_key(sku)).set("discontinued", True).set("product_version", product.version)
            update.remove("gsi1pk").remove("gsi1sk").require_absent_or_below("product_version", product.version)
            dynamodb(tx).update(update.build(), subject=sku)
        try:
            tx.commit()
        except Refused:
            return False
        return True

    def set_prices(self, sku: str, schedule: PriceSchedule) -> bool:
        update = Update(variant_key(sku)).set("prices", [
            {"price_cents": point.price_cents, "valid_from": items.stamp(point.valid_from)}
            for point in sorted(schedule.points, key=lambda point: point.valid_from)])
        update.set("price_version", schedule.version).require_absent_or_below("price_version", schedule.version)
        return self._conditional_update(update)

    def put_promotion(self, promotion: Promotion) -> bool:
        attribute = f"{PROMOTION_PREFIX}{promotion.promotion_id}"
        update = Update(PROMOTIONS_KEY).set((attribute,), {
            "version": promotion.version, "promotion": json.dumps(promotion_document(promotion))})
        update.require_absent_or_below((attribute, "version"), promotion.version)
        return self._conditional_update(update)

    def _conditional_update(self, update: Update) -> bool:
        try:
            self._db.update_item(TableName=self._table, **update.build())
        except self._db.exceptions.ConditionalCheckFailedException:
            return False
        return True


def _variant_update(product: Product, variant: Variant) -> Update:
    update = Update(variant_key(variant.sku))
    update.set("product_id", product.product_id).set("category", product.category)
    update.set("vat_rate_percent", product.vat_rate_percent).set("name_nl", product.name.nl)
    update.set("name_en", product.name.en).set("attributes", [list(pair) for pair in variant.attributes])
    update.set("gsi1pk", f"PRODUCT#{product.product_id}").set("gsi1sk", f"SKU#{variant.sku}")
    update.set("product_version", product.version).set("discontinued", False)
    return update.require_absent_or_below("product_version", product.version)


def _entry(item: dict[str, Any]) -> CatalogEntry | None:
    """A variant the catalog sells: known to a product and not discontinued."""
    values = items.from_item(item)
    if "product_id" not in values or values.get("discontinued"):
        return None
    prices = values.get("prices")
    schedule = None if prices is None else PriceSchedule(
        points=tuple(PricePoint(int(p["price_cents"]), items.parse_stamp(p["valid_from"])) for p in prices),
        version=int(values["price_version"]))
    return CatalogEntry(
        sku=item["pk"]["S"].removeprefix("VARIANT#"), product_id=values["product_id"], category=values["category"],
        name=Text(nl=values["name_nl"], en=values["name_en"]), vat_rate_percent=int(values["vat_rate_percent"]),
        attributes=tuple((str(k), str(v)) for k, v in values.get("attributes", [])), schedule=schedule)


def _promotions(item: dict[str, Any]) -> tuple[Promotion, ...]:
    found = [promotion_from_document(json.loads(value["M"]["promotion"]["S"]))
             for name, value in item.items() if name.startswith(PROMOTION_PREFIX)]
    return tuple(sorted(found, key=lambda p: p.promotion_id))


def search_text(product: Product) -> str:
    """Lower-case names and category, what a text search filters on."""
    return " ".join((product.name.nl, product.name.en, product.category)).lower()


# -- documents (the stored shape of products and promotions) ---------------------------------


def product_document(product: Product) -> dict[str, Any]:
    return {
        "product_id": product.product_id, "name": vars(product.name), "description": vars(product.description),
        "category": product.category, "vat_rate_percent": product.vat_rate_percent,
        "variants": [{"sku": v.sku, "attributes": [list(pair) for pair in v.attributes]} for v in product.variants],
        "attributes": [list(pair) for pair in product.attributes], "images": list(product.images),
        "accessories": list(product.accessories), "similar": list(product.similar), "version": product.version,
    }


def product_from_item(item: dict[str, Any]) -> Product:
    doc = json.loads(item["product"]["S"])
    return Product(
        product_id=doc["product_id"], name=Text(**doc["name"]), description=Text(**doc["description"]),
        category=doc["category"], vat_rate_percent=doc["vat_rate_percent"],
        variants=tuple(Variant(v["sku"], tuple((a, b) for a, b in v["attributes"])) for v in doc["variants"]),
        attributes=tuple((a, b) for a, b in doc["attributes"]), images=tuple(doc["images"]),
        accessories=tuple(doc["accessories"]), similar=tuple(doc["similar"]), version=doc["version"])


def promotion_document(promotion: Promotion) -> dict[str, Any]:
    return {
        "promotion_id": promotion.promotion_id, "name": vars(promotion.name),
        "starts_at": items.stamp(promotion.starts_at), "ends_at": items.stamp(promotion.ends_at),
        "percent_off": promotion.percent_off, "amount_off_cents": promotion.amount_off_cents,
        "skus": sorted(promotion.skus), "categories": sorted(promotion.categories), "version": promotion.version,
    }


def promotion_from_document(doc: dict[str, Any]) -> Promotion:
    return Promotion(
        promotion_id=doc["promotion_id"], name=Text(**doc["name"]),
        starts_at=items.parse_stamp(doc["starts_at"]), ends_at=items.parse_stamp(doc["ends_at"]),
        percent_off=doc["percent_off"], amount_off_cents=doc["amount_off_cents"],
        skus=frozenset(doc["skus"]), categories=frozenset(doc["categories"]), version=doc["version"])

