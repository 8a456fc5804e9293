#!/usr/bin/env python3
"""The import graph of hw/cxl, and its cycles.

    scripts/import-graph.py [TOP] [-v] [--calls] [--basename]

Nodes are the .c files of TOP/hw/cxl (cxl-stubs.c aside). A file depends
on another when it
  - calls a function, or uses a variable, that the other defines (not
    static), or
  - #includes one of our headers that declares something the other
    defines (--basename: only the header's namesake .c; --calls: no
    include edges at all).
Prints the strongly connected components of more than one file (the
cycles); -v also prints every edge with what makes it. Source-level and
regex-based: a tool to look with, not a compiler.
"""
import collections
import glob
import os
import re
import sys

args = [a for a in sys.argv[1:] if not a.startswith('-')]
top = args[0] if args else os.path.join(os.path.dirname(__file__), '..')
cfiles = [c for c in sorted(glob.glob(f'{top}/hw/cxl/*.c'))
          if not c.endswith('cxl-stubs.c')]
name = os.path.basename
src = {name(c): open(c).read() for c in cfiles}


def strip(s):
    s = re.sub(r'/\*.*?\*/', ' ', s, flags=re.S)
    return re.sub(r'"(\\.|[^"\\])*"', '""', s)


defs = {}
for f, s in src.items():
    t = strip(s)
    # definitions at column 0 that are not static: functions, variables
    for m in re.finditer(r'^(?!static)(?:const\s+)?[A-Za-z_][\w\s\*]*?'
                         r'\b(\w+)\s*\([^;{]*?\)\s*\{', t, re.M):
        defs.setdefault(m.group(1), f)
    for m in re.finditer(r'^(?!static)(?:const\s+)?[A-Za-z_][\w\s\*]*?'
                         r'\b(\w+)\s*(?:\[\w*\])?\s*=\s*[^=]', t, re.M):
        defs.setdefault(m.group(1), f)

# our headers -> the .c files defining what they declare
hdr = {}
for h in glob.glob(f'{top}/include/hw/cxl/*.h'):
    t = strip(open(h).read())
    ids = set(re.findall(r'\b(\w+)\s*\(', t)) | \
        set(re.findall(r'extern[^;]*?\b(\w+)\s*(?:\[\])?;', t))
    if '--basename' in sys.argv:
        b = name(h)[:-2] + '.c'
        hdr['hw/cxl/' + name(h)] = {b} if b in src else set()
    else:
        hdr['hw/cxl/' + name(h)] = {defs[i] for i in ids if i in defs}

edges = collections.defaultdict(set)
why = collections.defaultdict(set)
for f, s in src.items():
    t = strip(s)
    incs = [] if '--calls' in sys.argv else \
        re.findall(r'#include\s+"(hw/cxl/[\w-]+\.h)"', s)
    for inc in incs:
        for g in hdr.get(inc, ()):
            if g != f:
                edges[f].add(g)
                why[(f, g)].add('#include ' + inc)
    for ident in set(re.findall(r'\b(\w+)\b', t)):
        g = defs.get(ident)
        if g and g != f:
            edges[f].add(g)
            why[(f, g)].add(ident)

# Tarjan's strongly connected components
index, low, stack, on, sccs = {}, {}, [], set(), []


def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in sorted(edges[v]):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop()
            on.discard(w)
            c.append(w)
            if w == v:
                break
        sccs.append(sorted(c))


sys.setrecursionlimit(10000)
for v in sorted(src):
    if v not in index:
        visit(v)
if '-v' in sys.argv:
    for f in sorted(edges):
        for g in sorted(edges[f]):
            print(f'{f} -> {g}: ' + ', '.join(sorted(why[(f, g)])[:6]))
cycles = [c for c in sccs if len(c) > 1]
print(f'{len(cycles)} cycle(s) (strongly connected components of more '
      'than one file):')
for c in sorted(cycles, key=len, reverse=True):
    print(f'  {len(c)}: ' + ' '.join(c))
