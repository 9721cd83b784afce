"""Print a bearer token for the local system: python -m local.token --role staff --location utrecht-oudegracht"""

from __future__ import annotations

import argparse

from local.auth import ROLES, issue_token


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m local.token", description=__doc__)
    parser.add_argument("--role", choices=ROLES, required=True)
    parser.add_argument("--location", help="the store a staff member works at")
    parser.add_argument("--subject", help="the user or client id (default: random)")
    args = parser.parse_args()
    print(issue_token(args.role, args.subject, args.location))


if __name__ == "__main__":
    main()
