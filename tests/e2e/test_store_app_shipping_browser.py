"""Utrecht's store app in a real headless Chromium, the shipping view: a home delivery that only
Utrecht can supply appears live as a ship-from-store task; one tap ships it (the card leaves the
list, the unit leaves the shelf). A screenshot is kept in test-artifacts/store-app-shipping.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from local.auth import issue_token
from tests.e2e.conftest import Running, call, price_skus
from tests.e2e.test_local_stock import set_count, stock, url
from tests.e2e.test_store_app_browser import ARTIFACTS, CHROMIUM, FLAGS
from tests.names import Names

unique = Names("app-shipping")
pytestmark = pytest.mark.e2e
STORE = "utrecht-oudegracht"
HOME = {"name": "Dana de Klant", "street": "Damrak", "house_number": "1", "postal_code": "1012 LG",
        "city": "Amsterdam"}


def test_the_shipping_view_lists_a_ship_from_store_task_and_one_tap_ships_it(system: Running, tokens: dict) -> None:
    from playwright.sync_api import sync_playwright

    sku = unique("E2E-PARCEL")
    price_skus(system, [sku], 4995)
    set_count(system, tokens["erp"], sku, STORE, 2)  # only Utrecht has it
    staff = issue_token("staff", "associate-ship", STORE)
    shopper = issue_token("customer", unique("shopper"))
    status, found, _ = call("POST", url(system, "/fulfilment-options"), {
        "lines": [{"sku": sku, "quantity": 1}],
        "destination": {"type": "delivery", "postal_code": HOME["postal_code"]}})
    assert status == 200, found
    slot = found["options"][0]["slots"][0]["slot_id"]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 700})
        page.goto(url(system, f"/store/?location={STORE}&token={staff}&lang=en"))
        page.wait_for_selector("#live.online", timeout=15_000)
        page.click('[data-testid="shipping-tab"]')
        page.wait_for_selector('nav button[data-view="shipping"].current', timeout=5_000)
        page.evaluate("window.__sameDocument = true")

        # a customer orders it home, paid online: Utrecht must pick, pack and ship it
        status, order, _ = call("POST", url(system, "/orders"), {
            "destination": {"type": "delivery", "address": HOME}, "slot_id": slot,
            "lines": [{"sku": sku, "quantity": 1}], "payment": "paid_online",
            "contact": {"email": f"{unique('dana')}@example.nl", "language": "en"}}, shopper,
            {"idempotency-key": unique()})
        assert status == 201, order
        assert [(f["source_id"], f["kind"]) for f in order["fulfilments"]] == [(STORE, "delivery")]
        card = f'[data-testid="task"][data-order="{order["order_id"]}"]'
        page.wait_for_selector(f'{card}[data-step="ship"]', timeout=10_000)  # over the live feed
        assert page.evaluate("window.__sameDocument") is True
        shown = page.inner_text(card)
        assert "To customer: Dana de Klant, 1012 LG Amsterdam" in shown, shown
        assert f"1 x Item {sku}" in shown and "REQUESTED" in shown, shown
        page.screenshot(path=str(ARTIFACTS / "store-app-shipping.png"), full_page=True)

        page.click(f'{card} button[data-action="ship"]')
        page.wait_for_selector(card, state="detached", timeout=10_000)
        browser.close()
    current = call("GET", url(system, f"/orders/{order['order_id']}"), token=shopper)[1]
    assert current["status"] in ("SHIPPED", "DELIVERED") and current["fulfilments"][0]["tracking_number"]
    level = stock(system, tokens["erp"], sku, STORE)
    assert (level["on_hand"], level["reserved"]) == (1, 0)
    assert Path(ARTIFACTS / "store-app-shipping.png").stat().st_size > 10_000


def test_the_pickup_store_receives_a_transfer_with_one_tap_and_the_order_is_ready(system: Running,
                                                                                  tokens: dict) -> None:
    from playwright.sync_api import sync_playwright

    amsterdam = "amsterdam-kalverstraat"
    sku = unique("E2E-TRANSFER")
    price_skus(system, [sku], 3995)
    set_count(system, tokens["erp"], sku, STORE, 1)  # only Utrecht has it
    shopper = issue_token("customer", unique("shopper"))
    status, order, _ = call("POST", url(system, "/orders"), {
        "destination": {"type": "pickup", "location_id": amsterdam}, "lines": [{"sku": sku, "quantity": 1}],
        "payment": "paid_online", "contact": {"email": f"{unique('eva')}@example.nl", "language": "en"}}, shopper,
        {"idempotency-key": unique()})
    assert status == 201, order
    status, shipped, _ = call("POST", url(system, f"/orders/{order['order_id']}/fulfilments/f1/ship"),
                              token=issue_token("staff", "associate-ship", STORE))
    assert status == 200, shipped
    staff = issue_token("staff", "associate-receive", amsterdam)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 700})
        page.goto(url(system, f"/store/?location={amsterdam}&token={staff}&lang=en"))
        page.wait_for_selector("#live.online", timeout=15_000)
        page.click('[data-testid="shipping-tab"]')
        card = f'[data-testid="task"][data-order="{order["order_id"]}"][data-step="receive"]'
        page.wait_for_selector(card, timeout=10_000)
        shown = page.inner_text(card)
        assert f"From: {STORE}" in shown, shown
        assert page.inner_text(f"{card} .status") in ("SHIPPED", "IN_TRANSIT", "DELIVERED")  # not received yet
        page.click(f'{card} button[data-action="receive"]')
        page.wait_for_selector(card, state="detached", timeout=10_000)
        browser.close()
    current = call("GET", url(system, f"/orders/{order['order_id']}"), token=shopper)[1]
    assert current["status"] == "READY_FOR_PICKUP" and current["fulfilments"][0]["status"] == "RECEIVED"
    level = stock(system, tokens["erp"], sku, amsterdam)
    assert (level["on_hand"], level["reserved"]) == (1, 1)
