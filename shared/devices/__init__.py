"""Store devices: push endpoints per location, live feed connections, and what to tell them."""
