"""Messages for orders from any location to any destination, on fakes: the confirmation naming the
slot or date and the fee (delivery) or the store (pickup), shipped with tracking links, delivered, a
changed promise, a parcel the carrier could not deliver, each linking to the order's status page; and
what the source store and the receiving store are told."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.catalog.model import Text
from shared.locations.directory import LocationDirectory
from shared.notifications.model import NO_NEWS, OrderNews, ReviewSource
from shared.notifications.service import notify_customer, schedule_review_of_order
from shared.notifications.store_messages import store_message
from shared.orders.model import Order, OrderLine, OrderStatus, Payment
from tests.fakes.locations import MemoryLocationStore
from tests.fakes.notifications import MemoryEmailSender, MemoryReviewSchedule, MemorySmsSender
from tests.unit.test_notifications_service import (
    EMAIL,
    LINKS,
    PHONE,
    SCHIPHOL,
    SCHIPHOL_STORE,
    UTRECHT,
    UTRECHT_STORE,
    an_order,
)

ORDER_ID = "ab12cd34-0000-4000-8000-000000000001"
STATUS_PAGE = f"https://shop.example.nl/account/orders/{ORDER_ID}"
WINTER_SLOT = OrderNews(destination_type="delivery", slot_starts_at=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
                        slot_ends_at=datetime(2026, 11, 25, 16, 0, tzinfo=UTC), earliest_date=date(2026, 11, 25),
                        delivery_fee_cents=495)  # 13:00-17:00 in Amsterdam (CET)
SUMMER_SLOT = OrderNews(destination_type="delivery", slot_starts_at=datetime(2026, 7, 1, 16, 0, tzinfo=UTC),
                        slot_ends_at=datetime(2026, 7, 1, 19, 0, tzinfo=UTC), earliest_date=date(2026, 7, 1))
BY_DATE = OrderNews(destination_type="delivery", earliest_date=date(2026, 11, 26))
TRACKING = ("https://track.example/SBX0001", "https://track.example/SBX0002")


@pytest.fixture
def directory() -> LocationDirectory:
    store = MemoryLocationStore()
    store.put(UTRECHT_STORE)
    store.put(SCHIPHOL_STORE)
    return LocationDirectory(store)


@pytest.fixture
def email() -> MemoryEmailSender:
    return MemoryEmailSender()


@pytest.fixture
def sms() -> MemorySmsSender:
    return MemorySmsSender()


def placed(language: str = "nl", **changes: object) -> Order:
    return an_order(language=language, status=OrderStatus.PLACED, deadline=None, **changes)  # type: ignore[arg-type]


def tell(event_type: str, order: Order, news: OrderNews, directory: LocationDirectory, email: MemoryEmailSender,
         sms: MemorySmsSender) -> list[str]:
    return notify_customer(event_type=event_type, order=order, directory=directory, email=email, sms=sms,
                           links=LINKS, news=news)


# -- the confirmation ----------------------------------------------------------------------------


def test_a_delivery_is_confirmed_with_its_slot_in_local_time_the_fee_and_the_status_page(directory, email,
                                                                                         sms) -> None:
    # when
    tell("OrderPlaced", placed("nl"), WINTER_SLOT, directory, email, sms)
    tell("OrderPlaced", placed("en"), WINTER_SLOT, directory, email, sms)
    # then
    dutch, english = email.sent
    assert dutch.subject == "Je bestelling AB12CD34 is ontvangen"
    assert dutch.body == ("Bedankt! We bezorgen je bestelling op woensdag 25-11-2026 tussen 13:00 en 17:00.\n\n"
                          "1 x JKT-RAIN-M\n2 x SCF-RED\n\nBezorgkosten: \u20ac 4,95\nJe hebt online betaald.\n\n"
                          f"Volg je bestelling: {STATUS_PAGE}")
    assert english.subject == "We have received your order AB12CD34"
    assert english.body == ("Thank you! We will deliver your order on Wednesday 25-11-2026 between 13:00 and 17:00."
                            "\n\n1 x JKT-RAIN-M\n2 x SCF-RED\n\nDelivery: \u20ac 4.95\nYou paid online.\n\n"
                            f"Follow your order: {STATUS_PAGE}")


def test_a_summer_slot_is_written_in_summer_time(directory, email, sms) -> None:
    # when
    tell("OrderPlaced", placed("en"), SUMMER_SLOT, directory, email, sms)
    # then
    assert "on Wednesday 01-07-2026 between 18:00 and 21:00." in email.sent[0].body


def test_a_delivery_without_a_slot_names_its_expected_date_and_a_free_delivery(directory, email, sms) -> None:
    # when
    tell("OrderPlaced", placed("nl"), BY_DATE, directory, email, sms)
    tell("OrderPlaced", placed("en"), BY_DATE, directory, email, sms)
    # then
    dutch, english = email.sent
    assert "Bedankt! We verwachten je bestelling op donderdag 26-11-2026 te bezorgen." in dutch.body
    assert "Bezorgkosten: gratis" in dutch.body
    assert "Thank you! We expect to deliver your order on Thursday 26-11-2026." in english.body
    assert "Delivery: free" in english.body


def test_a_pickup_order_is_confirmed_with_its_store_its_expected_day_and_the_status_page(directory, email,
                                                                                         sms) -> None:
    # given: its units come from another store, so it is ready some days from now
    news = OrderNews(earliest_date=date(2026, 11, 27))
    # when
    tell("OrderPlaced", placed("nl", payment=Payment.PAY_AT_PICKUP), news, directory, email, sms)
    tell("OrderPlaced", placed("en", location_id=SCHIPHOL), NO_NEWS, directory, email, sms)
    # then
    dutch, english = email.sent
    assert dutch.body == ("Bedankt! We leggen je bestelling klaar in Utrecht Oudegracht.\n\n1 x JKT-RAIN-M\n"
                          "2 x SCF-RED\n\nWe verwachten dat hij op vrijdag 27-11-2026 klaarligt. Je krijgt bericht "
                          f"zodra je hem kunt ophalen.\n\nVolg je bestelling: {STATUS_PAGE}")
    assert english.body == ("Thank you! We are preparing your order at Schiphol Plaza.\n\n1 x JKT-RAIN-M\n"
                            "2 x SCF-RED\n\nWe will let you know as soon as you can collect it.\n\n"
                            f"Follow your order: {STATUS_PAGE}")
    assert "Bezorgkosten" not in dutch.body and "Delivery" not in english.body


# -- shipped, delivered, a new date, a failed parcel -----------------------------------------------


def test_a_shipped_order_links_each_parcels_tracking_page(directory, email, sms) -> None:
    # when
    tell("OrderShipped", placed("nl"), OrderNews(destination_type="delivery", tracking_urls=TRACKING[:1]),
         directory, email, sms)
    tell("OrderShipped", placed("en"), OrderNews(destination_type="delivery", tracking_urls=TRACKING),
         directory, email, sms)
    # then
    one, two = email.sent
    assert one.subject == "Je bestelling AB12CD34 is onderweg"
    assert one.body == ("Je bestelling is verzonden.\n\n1 x JKT-RAIN-M\n2 x SCF-RED\n\n"
                        f"Volg je pakket: {TRACKING[0]}\n\nVolg je bestelling: {STATUS_PAGE}")
    assert two.subject == "Your order AB12CD34 is on its way"
    assert f"Track your parcels:\n{TRACKING[0]}\n{TRACKING[1]}\n\nFollow your order: {STATUS_PAGE}" in two.body


def test_a_delivered_order_is_mailed_in_the_customers_language_with_the_product_names(directory, email,
                                                                                      sms) -> None:
    # given
    jacket = Text(nl="Regenjas navy", en="Rain jacket navy")
    lines = (OrderLine("JKT-RAIN-M", 1, 8999, name=jacket),)
    # when
    tell("OrderDelivered", placed("nl", lines=lines), OrderNews(destination_type="delivery"), directory, email, sms)
    tell("OrderDelivered", placed("en", lines=lines), OrderNews(destination_type="delivery"), directory, email, sms)
    # then
    dutch, english = email.sent
    assert (dutch.subject, english.subject) == ("Je bestelling AB12CD34 is bezorgd",
                                                "Your order AB12CD34 was delivered")
    assert dutch.body == ("Je bestelling is bezorgd. Veel plezier ermee!\n\n1 x Regenjas navy (JKT-RAIN-M)\n\n"
                          f"Volg je bestelling: {STATUS_PAGE}")
    assert "1 x Rain jacket navy (JKT-RAIN-M)" in english.body


def test_a_changed_promise_names_the_new_day_for_a_delivery_or_a_pickup(directory, email, sms) -> None:
    # when
    tell("OrderPromiseChanged", placed("nl"), OrderNews(destination_type="delivery", earliest_date=date(2026, 11, 27)),
         directory, email, sms)
    tell("OrderPromiseChanged", placed("en"), OrderNews(earliest_date=date(2026, 11, 27)), directory, email, sms)
    # then
    delivery, pickup = email.sent
    assert delivery.subject == "Nieuwe datum voor je bestelling AB12CD34"
    assert delivery.body == ("De verwachte datum van je bestelling is veranderd: we verwachten hem op vrijdag "
                             f"27-11-2026 te bezorgen.\n\nVolg je bestelling: {STATUS_PAGE}")
    assert pickup.subject == "A new date for your order AB12CD34"
    assert ("we now expect it to be ready for you at Utrecht Oudegracht on Friday 27-11-2026." in pickup.body)
    assert pickup.body.endswith(f"Follow your order: {STATUS_PAGE}")


def test_a_changed_promise_without_a_day_sends_nothing(directory, email, sms) -> None:
    # when
    sent = tell("OrderPromiseChanged", placed("nl"), OrderNews(destination_type="delivery"), directory, email, sms)
    # then
    assert sent == [] and email.sent == []


def test_a_failed_parcel_names_what_it_held_and_links_the_status_page(directory, email, sms) -> None:
    # given: the parcel held the jacket only
    jacket = Text(nl="Regenjas navy", en="Rain jacket navy")
    order = placed("en", lines=(OrderLine("JKT-RAIN-M", 1, 8999, name=jacket), OrderLine("SCF-RED", 2, 1999)))
    # when
    tell("ShipmentFailed", order, OrderNews(lines=(("JKT-RAIN-M", 1),)), directory, email, sms)
    tell("ShipmentFailed", placed("nl"), OrderNews(lines=(("SCF-RED", 2),)), directory, email, sms)
    # then
    english, dutch = email.sent
    assert english.subject == "We could not deliver your order AB12CD34"
    assert english.body == ("The carrier could not deliver this:\n\n1 x Rain jacket navy (JKT-RAIN-M)\n\n"
                            "We are finding out what happened and will let you know what happens next.\n\n"
                            f"Follow your order: {STATUS_PAGE}")
    assert dutch.subject == "We konden je bestelling AB12CD34 niet bezorgen"
    assert "niet gelukt dit af te leveren:\n\n2 x SCF-RED\n\n" in dutch.body


@pytest.mark.parametrize("event_type", ["OrderShipped", "OrderDelivered", "OrderPromiseChanged", "ShipmentFailed"])
def test_the_new_news_goes_by_e_mail_only_without_code_or_contact_details(event_type, directory, email,
                                                                          sms) -> None:
    # given
    news = OrderNews(destination_type="delivery", earliest_date=date(2026, 11, 27), tracking_urls=TRACKING[:1],
                     lines=(("SCF-RED", 2),))
    # when
    sent = tell(event_type, placed("nl"), news, directory, email, sms)
    # then
    [mail] = email.sent
    assert sent == ["email-1"] and sms.sent == [] and mail.to == EMAIL
    assert not any(private in mail.body for private in ("042917", EMAIL, PHONE, "Oudegracht 150"))


# -- a review after delivery -----------------------------------------------------------------------


def test_a_delivered_order_is_scheduled_for_a_review_once() -> None:
    # given
    reviews, delivered_at = MemoryReviewSchedule(), datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    order = an_order(status=OrderStatus.DELIVERED)
    # when
    first = schedule_review_of_order(order=order, received_at=delivered_at, reviews=reviews, wait=timedelta(days=7))
    again = schedule_review_of_order(order=order, received_at=delivered_at, reviews=reviews, wait=timedelta(days=7))
    # then
    [request] = reviews.requests.values()
    assert (first, again) == (True, False) and request.source is ReviewSource.ORDER
    assert request.due_at == delivered_at + timedelta(days=7)


def test_an_order_on_its_way_is_not_reviewed_yet() -> None:
    # given
    reviews = MemoryReviewSchedule()
    # when
    scheduled = schedule_review_of_order(order=placed(), received_at=datetime(2026, 11, 25, tzinfo=UTC),
                                         reviews=reviews, wait=timedelta(days=7))
    # then
    assert scheduled is False and reviews.requests == {}


# -- stores: ship from store, a transfer coming --------------------------------------------------


REQUESTED = {"order_id": ORDER_ID, "customer_id": "c-1", "fulfilment_id": "f1", "location_id": UTRECHT,
             "source_id": UTRECHT, "kind": "delivery", "destination_location_id": None, "status": "REQUESTED",
             "lines": [{"sku": "JKT-RAIN-M", "quantity": 1}, {"sku": "SCF-RED", "quantity": 2}],
             "earliest_date": "2026-11-25", "carrier": None, "tracking_number": None, "tracking_url": None}
DISPATCHED = {**REQUESTED, "kind": "transfer", "location_id": SCHIPHOL, "destination_location_id": SCHIPHOL,
              "status": "IN_TRANSIT"}


def test_the_source_store_is_asked_to_ship_how_many_items_by_when_in_its_language() -> None:
    # when
    dutch = store_message("FulfilmentRequested", REQUESTED, UTRECHT_STORE)
    english = store_message("FulfilmentRequested", {**REQUESTED, "lines": REQUESTED["lines"][:1]}, SCHIPHOL_STORE)
    undated = store_message("FulfilmentRequested", {**REQUESTED, "earliest_date": None}, UTRECHT_STORE)
    # then
    assert dutch is not None and english is not None and undated is not None
    assert (dutch.title, dutch.body) == ("Verzenden vanuit de winkel",
                                         "3 artikelen voor bestelling AB12CD34, uiterlijk 25-11-2026.")
    assert (english.title, english.body) == ("Ship from store", "1 item for order AB12CD34, by 25-11-2026.")
    assert undated.body == "3 artikelen voor bestelling AB12CD34."
    assert (dutch.kind, dutch.link, dutch.location_id) == (
        "FulfilmentRequested", f"/orders/{ORDER_ID}/fulfilments/f1", UTRECHT)


def test_the_receiving_store_hears_a_transfer_is_on_its_way() -> None:
    # when
    english = store_message("TransferDispatched", DISPATCHED, SCHIPHOL_STORE)
    dutch = store_message("TransferDispatched", {**DISPATCHED, "location_id": UTRECHT}, UTRECHT_STORE)
    # then
    assert english is not None and dutch is not None
    assert (english.title, english.body) == (
        "Transfer on its way", f"On its way to this store: 3 items for order AB12CD34, from {UTRECHT}.")
    assert (dutch.title, dutch.body) == (
        "Overboeking onderweg", f"Onderweg naar deze winkel: 3 artikelen voor bestelling AB12CD34, van {UTRECHT}.")
    assert (english.link, english.location_id) == (f"/orders/{ORDER_ID}/fulfilments/f1", SCHIPHOL)


@pytest.mark.parametrize("detail_type", ["ShipmentCreated", "ShipmentDelivered", "TransferReceived", "OrderShipped"])
def test_parcel_steps_no_store_must_act_on_reach_no_device(detail_type: str) -> None:
    # then
    assert store_message(detail_type, REQUESTED, UTRECHT_STORE) is None
