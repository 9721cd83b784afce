"""Run the whole system locally: python -m local [--seed] [--port 8080] [--emulator-port 5005] [--feed-port 0].

Ports also come from LOCAL_PORT, LOCAL_EMULATOR_PORT and LOCAL_FEED_PORT (0: any free port).
Stop it with Ctrl-C (SIGINT) or SIGTERM: servers and pollers stop, the emulator's data goes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=_env_port("LOCAL_PORT", 8080),
                        help="HTTP API port (default 8080, or LOCAL_PORT)")
    parser.add_argument("--emulator-port", type=int, default=_env_port("LOCAL_EMULATOR_PORT", 5005),
                        help="moto server port (default 5005, or LOCAL_EMULATOR_PORT)")
    parser.add_argument("--feed-port", type=int, default=_env_port("LOCAL_FEED_PORT", 0),
                        help="live feed (WebSocket) port (default: any free port, or LOCAL_FEED_PORT)")
    parser.add_argument("--seed", action="store_true", help="load demo locations and stock")
    args = parser.parse_args(argv)

    from local.environment import LOCAL_ENVIRONMENT

    for key, value in LOCAL_ENVIRONMENT.items():
        os.environ.setdefault(key, value)  # before any handler module makes its Logger
    # metrics are off locally (EMF would flood the terminal); Powertools warns on every call
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    from local.system import LocalSystem

    system = LocalSystem(args.host, args.port, args.emulator_port, feed_port=args.feed_port).start()
    if args.seed:
        from local.seed import seed

        counts = seed()
        print(f"seeded {counts['locations']} locations, {counts['products']} products, {counts['skus']} SKUs, "
              f"{counts['stock_levels']} stock levels", flush=True)
        from local.seed_customers import seed_customers

        for customer in seed_customers():
            print(f"demo customer {customer.customer_id}: loyalty card {customer.card_number}", flush=True)
    base = system.base_url
    from local.auth import issue_token

    store_token = issue_token("staff", "associate-b", "utrecht-oudegracht")
    print(f"""
Omnichannel retail backend, running locally
  API          {base}
  OpenAPI      {base}/openapi.json
  locations    {base}/locations
  stock        {base}/stock/JKT-RAIN-NAVY-M
  nearest      {base}/stock/JKT-RAIN-NAVY-M/nearest?lat=52.0907&lon=5.1214
  emulator     {system.emulator.url}  (moto; AWS_ENDPOINT_URL for the aws CLI or boto3)
  a token      .venv/bin/python -m local.token --role admin
  store app    {base}/store/?location=utrecht-oudegracht&token={store_token}
  live feed    {system.feed_url}
  stop         Ctrl-C
ready""", flush=True)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, also when started in the background
        signal.signal(signum, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    system.stop()
    print("stopped", flush=True)
    return 0


def _env_port(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


if __name__ == "__main__":
    sys.exit(main())
