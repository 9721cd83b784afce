"""API models for the catalog: what the ERP sends (products, prices, promotions, imports) and
what shoppers read (product pages and lists, in Dutch or English)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, Field, StrictInt, model_validator

from events.patterns import CATEGORY_PATTERN, PRODUCT_ID_PATTERN, PROMOTION_ID_PATTERN, SKU_PATTERN
from shared.catalog.model import PricePoint, PriceSchedule, Product, Promotion, Text, UnitPrice, Variant
from shared.catalog.service import Offer, Outcome, ProductOffer, ProductSummary
from shared.http.bodies import ApiModel

if TYPE_CHECKING:
    from shared.catalog.recommendations import Recommendation


def _text(value: object) -> object:
    if not isinstance(value, str | datetime):  # lax mode would read a number as seconds since 1970
        raise ValueError("must be an RFC 3339 date-time text with a time zone")
    return value


EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


def _plausible(moment: datetime) -> datetime:
    """Catalog dates lie between 2000 and 2200 (a date near year 9999 overflows once moved to UTC)."""
    if not EARLIEST <= moment < LATEST:
        raise ValueError("must be from 2000 and before 2200")
    return moment


Instant = Annotated[AwareDatetime, BeforeValidator(_text), AfterValidator(_plausible)]
ProductId = Annotated[str, Field(pattern=PRODUCT_ID_PATTERN)]
SkuText = Annotated[str, Field(pattern=SKU_PATTERN)]
Category = Annotated[str, Field(pattern=CATEGORY_PATTERN)]
Short = Annotated[str, Field(min_length=1, max_length=60)]
MAX_VARIANTS = 49  # an upsert writes the product, its variants and the ones it drops in one transaction (100)
Version = Annotated[StrictInt, Field(ge=1, le=2**53, description="The ERP's version; only a newer one applies")]


class TextBody(ApiModel):
    nl: str = Field(max_length=2000)
    en: str = Field(max_length=2000)

    def to_domain(self) -> Text:
        return Text(nl=self.nl, en=self.en)


class NameBody(TextBody):
    nl: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)


class VariantBody(ApiModel):
    sku: SkuText
    attributes: dict[Short, Short] = Field(default={}, max_length=20, description='e.g. {"size": "M"}')

    def to_domain(self) -> Variant:
        return Variant(sku=self.sku, attributes=tuple(sorted(self.attributes.items())))


class RelatedBody(ApiModel):
    accessories: list[ProductId] = Field(default=[], max_length=20, description="Offered with this product")
    similar: list[ProductId] = Field(default=[], max_length=20, description="Liked by who bought this one")


class ProductBody(ApiModel):
    """A product as the ERP knows it: the whole of it, each time."""

    name: NameBody
    description: TextBody = TextBody(nl="", en="")
    category: Category
    vat_rate_percent: Literal[0, 9, 21] = 21
    variants: list[VariantBody] = Field(min_length=1, max_length=MAX_VARIANTS)
    attributes: dict[Short, Short] = Field(default={}, max_length=20)
    images: list[Annotated[str, Field(pattern=r"^https://", max_length=500)]] = Field(default=[], max_length=20)
    related: RelatedBody = RelatedBody()
    version: Version

    def to_domain(self, product_id: str) -> Product:
        return Product(product_id=product_id, name=self.name.to_domain(), description=self.description.to_domain(),
                       category=self.category, vat_rate_percent=self.vat_rate_percent,
                       variants=tuple(v.to_domain() for v in self.variants),
                       attributes=tuple(sorted(self.attributes.items())), images=tuple(self.images),
                       accessories=tuple(self.related.accessories), similar=tuple(self.related.similar),
                       version=self.version)


class PricePointBody(ApiModel):
    price_cents: StrictInt = Field(ge=0, le=10_000_000, description="Including VAT")
    valid_from: Instant

    def to_domain(self) -> PricePoint:
        return PricePoint(price_cents=self.price_cents, valid_from=self.valid_from)


class PricesBody(ApiModel):
    """A SKU's whole price schedule: the price now and any planned changes."""

    prices: list[PricePointBody] = Field(min_length=1, max_length=20)
    version: Version

    def to_domain(self) -> PriceSchedule:
        return PriceSchedule(points=tuple(p.to_domain() for p in self.prices), version=self.version)


class PromotionBody(ApiModel):
    name: NameBody
    starts_at: Instant
    ends_at: Instant
    percent_off: StrictInt = Field(default=0, ge=0, le=100)
    amount_off_cents: StrictInt = Field(default=0, ge=0, le=10_000_000)
    skus: list[SkuText] = Field(default=[], max_length=100)
    categories: list[Category] = Field(default=[], max_length=50)
    version: Version

    def to_domain(self, promotion_id: str) -> Promotion:
        return Promotion(promotion_id=promotion_id, name=self.name.to_domain(), starts_at=self.starts_at,
                         ends_at=self.ends_at, percent_off=self.percent_off, amount_off_cents=self.amount_off_cents,
                         skus=frozenset(self.skus), categories=frozenset(self.categories), version=self.version)


class ProductImport(ProductBody):
    product_id: ProductId


class PricesImport(PricesBody):
    sku: SkuText


class PromotionImport(PromotionBody):
    promotion_id: Annotated[str, Field(pattern=PROMOTION_ID_PATTERN)]


MAX_IMPORT_PRODUCTS = 50
MAX_IMPORT_PRICES = 200
MAX_IMPORT_PROMOTIONS = 20


class ImportBody(ApiModel):
    """Many updates in one request; each applies on its own, only when newer."""

    products: list[ProductImport] = Field(default=[], max_length=MAX_IMPORT_PRODUCTS)
    prices: list[PricesImport] = Field(default=[], max_length=MAX_IMPORT_PRICES)
    promotions: list[PromotionImport] = Field(default=[], max_length=MAX_IMPORT_PROMOTIONS)

    @model_validator(mode="after")
    def _something(self) -> ImportBody:
        if not (self.products or self.prices or self.promotions):
            raise ValueError("an import has at least one product, price or promotion")
        return self


# -- answers ------------------------------------------------------------------------------------


class OutcomeView(BaseModel, defer_build=True):
    kind: Literal["product", "price", "promotion"]
    id: str
    version: int
    status: Literal["applied", "ignored"] = Field(description="ignored: what is stored is as new or newer")

    @staticmethod
    def of(outcome: Outcome) -> OutcomeView:
        return OutcomeView(kind=outcome.kind, id=outcome.id, version=outcome.version,  # type: ignore[arg-type]
                           status=outcome.status)  # type: ignore[arg-type]


class ImportResult(BaseModel, defer_build=True):
    applied: int
    ignored: int
    results: list[OutcomeView]


class PromotionView(BaseModel, defer_build=True):
    promotion_id: str
    name: str
    starts_at: datetime
    ends_at: datetime
    percent_off: int
    amount_off_cents: int
    skus: list[str]
    categories: list[str]

    @staticmethod
    def of(p: Promotion, language: str) -> PromotionView:
        return PromotionView(promotion_id=p.promotion_id, name=p.name.in_(language), starts_at=p.starts_at,
                             ends_at=p.ends_at, percent_off=p.percent_off, amount_off_cents=p.amount_off_cents,
                             skus=sorted(p.skus), categories=sorted(p.categories))


class Promotions(BaseModel, defer_build=True):
    language: str
    promotions: list[PromotionView]


class AvailabilityView(BaseModel, defer_build=True):
    location_id: str
    available: int


class VariantView(BaseModel, defer_build=True):
    sku: str
    attributes: dict[str, str]
    list_price_cents: int | None = Field(description="None: not for sale yet")
    price_cents: int | None = Field(description="What is paid now, after the best running promotion")
    promotion_id: str | None
    available: int = Field(description="Available over all locations")
    availability: list[AvailabilityView]

    @staticmethod
    def of(offer: Offer) -> VariantView:
        price: UnitPrice | None = offer.price
        return VariantView(sku=offer.sku, attributes=dict(offer.attributes),
                           list_price_cents=price.list_price_cents if price else None,
                           price_cents=price.price_cents if price else None,
                           promotion_id=price.promotion_id if price else None,
                           available=sum(a.available for a in offer.availability),
                           availability=[AvailabilityView(location_id=a.location_id, available=a.available)
                                         for a in offer.availability])


class ProductView(BaseModel, defer_build=True):
    product_id: str
    language: Literal["nl", "en"]
    name: str
    description: str
    category: str
    vat_rate_percent: int
    attributes: dict[str, str]
    images: list[str]
    accessories: list[str]
    similar: list[str]
    variants: list[VariantView]
    promotions: list[PromotionView]
    version: int

    @staticmethod
    def of(offer: ProductOffer, language: Literal["nl", "en"]) -> ProductView:
        p = offer.product
        return ProductView(product_id=p.product_id, language=language, name=p.name.in_(language),
                           description=p.description.in_(language), category=p.category,
                           vat_rate_percent=p.vat_rate_percent, attributes=dict(p.attributes), images=list(p.images),
                           accessories=list(p.accessories), similar=list(p.similar),
                           variants=[VariantView.of(v) for v in offer.variants],
                           promotions=[PromotionView.of(x, language) for x in offer.promotions], version=p.version)


class ProductListItem(BaseModel, defer_build=True):
    product_id: str
    name: str
    category: str
    image: str | None
    skus: list[str]
    from_price_cents: int | None = Field(description="The lowest price of its variants now")
    list_price_cents: int | None = Field(description="That variant's price before a promotion")
    promotion_id: str | None

    @staticmethod
    def of(summary: ProductSummary, language: str) -> ProductListItem:
        p, low = summary.product, summary.lowest
        return ProductListItem(product_id=p.product_id, name=p.name.in_(language), category=p.category,
                               image=p.images[0] if p.images else None, skus=[v.sku for v in p.variants],
                               from_price_cents=low.price_cents if low else None,
                               list_price_cents=low.list_price_cents if low else None,
                               promotion_id=low.promotion_id if low else None)


class ProductList(BaseModel, defer_build=True):
    language: Literal["nl", "en"]
    products: list[ProductListItem]
    next_cursor: str | None = None


class RecommendationView(BaseModel, defer_build=True):
    product_id: str
    name: str
    sku: str = Field(description="The variant in stock with the lowest price")
    list_price_cents: int
    price_cents: int = Field(description="What is paid now, after the promotion")
    promotion: PromotionView | None
    because_of: str = Field(description="The product bought that it is related to")

    @staticmethod
    def of(r: Recommendation, language: str) -> RecommendationView:
        return RecommendationView(product_id=r.product_id, name=r.name.in_(language), sku=r.sku,
                                  list_price_cents=r.price.list_price_cents, price_cents=r.price.price_cents,
                                  promotion=PromotionView.of(r.promotion, language) if r.promotion else None,
                                  because_of=r.because_of)


class Recommendations(BaseModel, defer_build=True):
    language: Literal["nl", "en"]
    recommendations: list[RecommendationView]


def language_of(lang: str | None, accept_language: str | None) -> Literal["nl", "en"]:
    """``?lang=`` first, then the first of nl or en in Accept-Language (by its q weights), else Dutch."""
    if lang in ("nl", "en"):
        return lang  # type: ignore[return-value]
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("nl", "en") and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else "nl"  # type: ignore[return-value]
