"""Hooks for the rooms above: the outbox tells who wants to know when a mail
has finally left (status SENT) or finally failed (status FAILED), without
knowing who listens (mailer imports no higher room).

Receivers get ``mail`` (the OutgoingMail) and run inside the transaction that
recorded the new status."""

from django.dispatch import Signal

mail_settled = Signal()
