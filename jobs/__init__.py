"""Scheduled jobs: sync the register, deliver WhatsApp messages, overdue alerts, digest."""
