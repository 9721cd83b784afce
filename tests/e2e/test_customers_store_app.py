"""Scenario C in the store app, in a real headless Chromium: the associate enrols a customer, the
digital loyalty card appears with its QR code, and the customer is found again by card. A
screenshot is kept in test-artifacts/."""

from __future__ import annotations

import pytest

from local.auth import issue_token
from tests.e2e.conftest import Running
from tests.e2e.test_customer_a_story import wait_for_message
from tests.e2e.test_local_stock import url
from tests.e2e.test_store_app_browser import ARTIFACTS, CHROMIUM, FLAGS
from tests.names import Names

unique = Names("app-customers")
pytestmark = pytest.mark.e2e
STORE = "amsterdam-kalverstraat"


def test_an_associate_makes_a_digital_loyalty_card_and_finds_the_customer_by_it(system: Running) -> None:
    from playwright.sync_api import sync_playwright

    email = f"{unique('klant')}@example.nl"
    staff = issue_token("staff", "associate-c", STORE)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        page.goto(url(system, f"/store/?location={STORE}&token={staff}&lang=en"))
        page.click('[data-testid="customers-tab"]')
        page.fill('[data-testid="name"]', "Sanne Jansen")
        page.fill('[data-testid="email"]', email)
        page.click('button[data-action="enrol"]')
        page.wait_for_selector('[data-testid="customer"] [data-testid="qr"]', timeout=15_000)
        card_number = page.inner_text('[data-testid="card-number"]').rsplit(" ", 1)[-1]
        assert len(card_number) == 13 and card_number.isdigit()
        assert page.eval_on_selector('[data-testid="qr"]', "img => img.naturalWidth") > 0  # the QR code rendered
        page.screenshot(path=str(ARTIFACTS / "store-app-loyalty-card.png"), full_page=True)

        page.evaluate("document.getElementById('found').replaceChildren()")
        page.fill('[data-testid="query"]', card_number)
        page.press('[data-testid="query"]', "Enter")
        page.wait_for_selector('[data-testid="customer"]', timeout=10_000)
        assert "Sanne Jansen" in page.inner_text('[data-testid="customer"]')
        browser.close()
    assert f"activate?card={card_number}" in wait_for_message(system, email, "activate your account")["body"]
