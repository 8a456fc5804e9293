"""events-10k with 1,000 records of each kind (make bench-quick). See
_events.py."""

import _events

globals().update(_events.case(1000, quick=True))
