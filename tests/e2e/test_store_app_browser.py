"""Associate B's store app in a real headless Chromium: a new order appears live, one tap
marks it ready, the customer gets the message. A screenshot is kept in test-artifacts/."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from local.auth import issue_token
from tests.e2e.conftest import ROOT, Running, call, price_skus
from tests.e2e.test_customer_a_story import wait_for_message
from tests.e2e.test_local_stock import set_count, url
from tests.names import Names

unique = Names("app")
pytestmark = pytest.mark.e2e
STORE = "utrecht-oudegracht"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_a_new_order_appears_live_and_one_tap_makes_it_ready(system: Running, tokens: dict) -> None:
    from playwright.sync_api import sync_playwright

    sku = unique("JKT-E2E")  # a jacket: scarves and bags go with it
    email = f"{unique('app')}@example.nl"
    set_count(system, tokens["erp"], sku, STORE, 3)
    set_count(system, tokens["erp"], "SCF-KNIT-RED-OS", STORE, 4)
    product = {"name": {"nl": "Testjas", "en": "Test jacket"}, "category": "jackets", "version": 1,
               "variants": [{"sku": sku, "attributes": {"size": "M"}}],
               "related": {"accessories": ["SCF-KNIT-RED"]}}  # the catalog says so
    assert call("PUT", url(system, f"/products/{sku}"), product, tokens["erp"])[0] == 200
    price = {"prices": [{"price_cents": 12995, "valid_from": "2026-01-01T00:00:00Z"}], "version": 1}
    assert call("PUT", url(system, f"/prices/{sku}"), price, tokens["erp"])[0] == 200
    staff = issue_token("staff", "associate-b", STORE)
    shopper = issue_token("customer", unique("shopper"))
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 700})
        page.goto(url(system, f"/store/?location={STORE}&token={staff}&lang=en"))
        page.wait_for_selector("#live.online", timeout=15_000)
        page.evaluate("window.__sameDocument = true")

        started = time.monotonic()
        status, order, _ = call("POST", url(system, "/orders"), {
            "location_id": STORE, "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": 12995}],
            "payment": "pay_at_pickup", "contact": {"email": email, "language": "nl", "name": "Bram de Boer"}}, shopper,
            {"idempotency-key": unique()})
        assert status == 201
        card = f'[data-order="{order["order_id"]}"]'
        page.wait_for_selector(card, timeout=10_000)
        appeared_after = time.monotonic() - started
        assert page.evaluate("window.__sameDocument") is True  # no reload: it came over the feed

        for action, then in (("accept", "ACCEPTED"), ("picking", "PICKING"), ("ready", "READY_FOR_PICKUP")):
            page.click(f'{card} button[data-action="{action}"]')
            page.wait_for_selector(f'{card}[data-status="{then}"]', timeout=10_000)
        page.wait_for_selector(f'{card} [data-testid="suggestions"]', timeout=10_000)
        # names, the variant and prices from the catalog; who comes for it; what to lay ready with it
        shown = page.inner_text(card)
        assert "1 x Test jacket (M) \u20ac129.95" in shown and "Bram de Boer" in shown, shown
        assert "Knitted scarf red \u20ac19.99" in page.inner_text(f'{card} [data-testid="suggestions"]')
        page.screenshot(path=str(ARTIFACTS / "store-app.png"), full_page=True)
        browser.close()
    assert appeared_after < 10
    ready = wait_for_message(system, email, "ligt klaar")
    assert "Je ophaalcode: " in ready["body"]
    assert Path(ARTIFACTS / "store-app.png").stat().st_size > 10_000


def test_devices_of_the_store_get_one_push_and_other_stores_none(system: Running, tokens: dict) -> None:
    def register(store: str) -> str:
        staff = issue_token("staff", f"tablet-{store}", store)
        status, device, _ = call("POST", url(system, f"/locations/{store}/devices"),
                                 {"platform": "fcm", "token": unique("fcm-token")}, staff)
        assert status == 201, device
        return str(device["device_id"])

    register(STORE)
    register("groningen-herestraat")
    sku = unique("E2E-PUSH")
    price_skus(system, [sku], 995)
    set_count(system, tokens["erp"], sku, STORE, 2)
    status, order, _ = call("POST", url(system, "/orders"), {
        "location_id": STORE, "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": 995}],
        "payment": "paid_online", "contact": {"email": "push@example.nl"}}, tokens["customer"],
        {"idempotency-key": unique()})
    assert status == 201
    deadline, mine = time.monotonic() + 20, []
    while time.monotonic() < deadline and not mine:
        pushes = call("GET", url(system, f"/_local/pushes?location={STORE}"))[1]["devices"]
        mine = [p for p in pushes if order["order_id"] in p["message"]["GCM"]]
        time.sleep(0.3)
    assert len(mine) >= 1
    time.sleep(1)
    pushes = call("GET", url(system, f"/_local/pushes?location={STORE}"))[1]["devices"]
    per_endpoint: dict[str, int] = {}
    for push in pushes:
        if order["order_id"] in push["message"]["GCM"]:
            per_endpoint[push["endpoint_arn"]] = per_endpoint.get(push["endpoint_arn"], 0) + 1
    assert set(per_endpoint.values()) == {1}
    elsewhere = call("GET", url(system, "/_local/pushes?location=groningen-herestraat"))[1]["devices"]
    assert not [p for p in elsewhere if order["order_id"] in p["message"]["GCM"]]
