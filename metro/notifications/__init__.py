"""Notifications: an outbox of messages (Chinese and English) to organizations, and delivery.

Services add notifications inside their own transaction (``outbox.add``); a delivery job sends
pending ones through the configured channels (``delivery.deliver_pending``). The channels
themselves — webhook, e-mail — are adapters outside the domain (``schedules/channels.py``).
"""
