"""Returns (RMA) in any channel: request, approve, receive, inspect, refund, close."""
