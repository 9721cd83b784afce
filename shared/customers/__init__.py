"""Customers: one account across channels (store enrolment, online sign-up), with a loyalty card."""
