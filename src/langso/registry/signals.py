"""The registry's events that higher apps react to. The registry never writes another app's tables: an
app that keeps records naming a person connects a receiver here in its AppConfig.ready."""

from django.dispatch import Signal

# Sent by `resident_delete` inside its transaction, before the person's row goes, with `resident=`.
# A receiver that fails rolls the removal back.
resident_removing = Signal()
