"""Webhooks both ways: the outbox, delivery, subscriptions, inbound applications."""
