"""Testimonials: what a volunteer writes about a completed placement, published by a
coordinator on the public site (docs/architecture.md §6.17)."""
