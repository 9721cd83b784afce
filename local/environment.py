"""The Lambda-like environment of the local system (applied before any handler is imported)."""

LOCAL_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "RetailBackend",
    "POWERTOOLS_SERVICE_NAME": "retail-local",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "CURSOR_SECRET": "local-cursor-secret",  # signs list cursors; only ever used locally
    "CARRIER_STEP_SECONDS": "2",  # the sandbox carrier's parcels travel in seconds, not hours
}
