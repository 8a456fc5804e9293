"""1-way: one device on one root port of one host bridge, a ram region
over it, its device DAX device against anonymous guest RAM."""

from _bench import devdax_case, tree

T, hbs = tree([12], 1)
T.window(hbs)

globals().update(devdax_case(
    T, 1, 256, [1], "1-way ram region (device DAX) against guest RAM",
    {"read": 0.9, "write": 0.9, "exec": 0.9}))
