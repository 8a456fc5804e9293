"""10,000 event records and 10,000 poison records injected through QMP
and drained by Linux, on a device with the spec's maximum event log and
poison list capacities; and 10,000 into a default-size (32) log, where
every record Linux does not get must be counted as an overflow. See
_events.py."""

import _events

globals().update(_events.case(10000, quick=False))
