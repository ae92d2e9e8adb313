"""The team pages, one module per sub-domain: teams and members (teams.py), the worklist and home
visits (visits.py), the help desk (helpdesk.py), weak-signal reports (signals.py), and what phones
sent that waits for a commune officer (conflicts.py, under /teams/conflicts/)."""
