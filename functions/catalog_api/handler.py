"""Catalog: anyone lists, searches and reads products and running promotions (in Dutch or
English); the ERP and head office keep products, prices and promotions current, each update
applied only when newer (an older or repeated one is answered "ignored")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from events.patterns import CATEGORY_PATTERN, LOCATION_PATTERN, PRODUCT_ID_PATTERN, PROMOTION_ID_PATTERN
from shared import wiring
from shared.catalog import service
from shared.http.app import current_caller, http_app, resolve
from shared.http.catalog_models import (
    ImportBody,
    ImportResult,
    OutcomeView,
    PricesBody,
    ProductBody,
    ProductList,
    ProductListItem,
    ProductView,
    PromotionBody,
    Promotions,
    PromotionView,
    Recommendations,
    RecommendationView,
    language_of,
)
from shared.http.paging import Cursor, Limit
from shared.http.params import Sku
from shared.http.responses import declared
from shared.observability import logger, metrics, tracer

app = http_app()
ProductId = Annotated[str, Path(pattern=PRODUCT_ID_PATTERN)]
PromotionId = Annotated[str, Path(pattern=PROMOTION_ID_PATTERN)]
Lang = Annotated[Literal["nl", "en"] | None, Query(description="Language of names and texts; else Accept-Language")]
AcceptLanguage = Annotated[str | None, Header(alias="accept-language", max_length=500)]


def _now() -> datetime:
    return datetime.now(UTC)


@app.get(**declared("GET /products", paged=True, unknown=True),
         summary="List or search products: by category, by name (nl or en), in stock at a location")
def list_products(
    category: Annotated[str | None, Query(pattern=CATEGORY_PATTERN)] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="Words in the name (nl or en)")] = None,
    in_stock_at: Annotated[str | None, Query(pattern=LOCATION_PATTERN,
                                             description="Only products with a variant available there")] = None,
    lang: Lang = None,
    accept_language: AcceptLanguage = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> ProductList:
    language = language_of(lang, accept_language)
    found, next_cursor = service.list_products(
        listing=wiring.product_listing(), catalog=wiring.catalog(), stock=wiring.stock_store(),
        directory=wiring.location_directory(), category=category, text=q, in_stock_at=in_stock_at, limit=limit,
        cursor=cursor, at=_now())
    return ProductList(language=language, products=[ProductListItem.of(x, language) for x in found],
                       next_cursor=next_cursor)


@app.get(**declared("GET /products/{product_id}"),
         summary="A product page: variants with prices, promotions and availability per location")
def read_product(product_id: ProductId, lang: Lang = None, accept_language: AcceptLanguage = None) -> ProductView:
    offer = service.product_page(catalog=wiring.catalog(), stock=wiring.stock_store(),
                                 directory=wiring.location_directory(), product_id=product_id, at=_now())
    return ProductView.of(offer, language_of(lang, accept_language))


@app.put(**declared("PUT /products/{product_id}", ok="Applied, or ignored when not newer than what is stored"),
         summary="Create or update a product (ERP, admin)")
def put_product(product_id: ProductId, body: ProductBody) -> OutcomeView:
    return OutcomeView.of(service.upsert_product(writer=wiring.catalog(), caller=current_caller(app),
                                                 product=body.to_domain(product_id)))


@app.put(**declared("PUT /prices/{sku}", ok="Applied, or ignored when not newer than what is stored"),
         summary="Set a SKU's price schedule (ERP, admin)")
def put_prices(sku: Sku, body: PricesBody) -> OutcomeView:
    return OutcomeView.of(service.set_prices(writer=wiring.catalog(), caller=current_caller(app), sku=sku,
                                             schedule=body.to_domain()))


@app.put(**declared("PUT /promotions/{promotion_id}", ok="Applied, or ignored when not newer than what is stored"),
         summary="Create or update a promotion on SKUs or categories (ERP, admin)")
def put_promotion(promotion_id: PromotionId, body: PromotionBody) -> OutcomeView:
    return OutcomeView.of(service.put_promotion(writer=wiring.catalog(), caller=current_caller(app),
                                                promotion=body.to_domain(promotion_id)))


@app.post(**declared("POST /catalog/imports", ok="Each item applied or ignored (when not newer)"),
          summary="Import many products, prices and promotions at once (ERP, admin); all checked before any applies")
def import_catalog(body: ImportBody) -> ImportResult:
    outcomes = service.import_batch(
        writer=wiring.catalog(), caller=current_caller(app),
        products=[p.to_domain(p.product_id) for p in body.products],
        prices=[(p.sku, p.to_domain()) for p in body.prices],
        promotions=[p.to_domain(p.promotion_id) for p in body.promotions])
    applied = sum(outcome.applied for outcome in outcomes)
    return ImportResult(applied=applied, ignored=len(outcomes) - applied,
                        results=[OutcomeView.of(outcome) for outcome in outcomes])


@app.get(**declared("GET /promotions"), summary="The promotions running now")
def running_promotions(lang: Lang = None, accept_language: AcceptLanguage = None) -> Promotions:
    language = language_of(lang, accept_language)
    return Promotions(language=language, promotions=[
        PromotionView.of(p, language) for p in service.running_promotions(catalog=wiring.catalog(), at=_now())])


@app.get(**declared("GET /me/recommendations"),
         summary="Promotions for products like the ones the caller bought, in stock, not bought already")
def recommended(lang: Lang = None, accept_language: AcceptLanguage = None) -> Recommendations:
    from shared.catalog import recommendations  # purchases and stock: only this route reads them

    language = language_of(lang, accept_language)
    found = recommendations.for_customer(
        purchases=wiring.purchase_store(), catalog=wiring.catalog(), stock=wiring.stock_store(),
        directory=wiring.location_directory(), caller=current_caller(app), now=_now())
    return Recommendations(language=language, recommendations=[RecommendationView.of(r, language) for r in found])


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
