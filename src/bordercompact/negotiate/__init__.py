"""Negotiation: cooperative games between the parties and how to share their costs or gains."""
