#!/usr/bin/python3
"""Prove that upstream QEMU's CXL implementation is gone from the assembled tree.

The reference is derived from the base archive on every run: the upstream CXL
files (scripts/upstream-cxl-files.txt) are read straight out of the verified
orig tarball. Two checks:

  1. no file of the assembled tree is byte-identical to an upstream CXL file;
  2. no function defined in those upstream files is defined anywhere in the
     assembled tree outside our own files (our files may implement the same
     interface, e.g. QAPI-generated handler names, but base files must not
     keep leftovers of the old implementation).

Usage: check-strip.py ORIG_TARBALL ASSEMBLED_TREE OUR_TOP FILE_LIST
"""
import fnmatch
import hashlib
import os
import re
import sys
import tarfile

C_EXT = (".c", ".h", ".c.inc", ".h.inc")
C_KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "do", "else",
              "case", "defined", "__attribute__", "typeof", "__typeof__"}


def strip_c(text):
    """Blank out comments, string and char literals and preprocessor lines."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"'(\\.|[^'\\\n])*'", "''", text)
    # preprocessor lines, including continuations
    text = re.sub(r"(?m)^[ \t]*#([^\n]*\\\n)*[^\n]*", "", text)
    return text


def defined_functions(text):
    """Names of functions defined (with a body) at file scope."""
    text = strip_c(text)
    names = set()
    depth = 0
    i = 0
    n = len(text)
    ident = re.compile(r"([A-Za-z_]\w*)\s*\(")
    while i < n:
        c = text[i]
        if c == "{":
            if depth == 0:
                # Look back for "name ( ... )" immediately before this brace,
                # allowing attributes/whitespace in between.
                head = text[max(0, i - 2000):i]
                m = re.search(r"([A-Za-z_]\w*)\s*\(((?:[^()]|\([^()]*\))*)\)\s*"
                              r"(?:__attribute__\s*\(\(.*?\)\)\s*)*$", head, re.S)
                if m and m.group(1) not in C_KEYWORDS:
                    before = head[:m.start()].rstrip()
                    # a definition has a return type (or a macro) before the name,
                    # and is not an initializer (= ...{) or a struct body
                    if before and before[-1] not in "=,(" and not before.endswith("struct") \
                            and not re.search(r"\b(struct|union|enum)\s+\w*$", before):
                        names.add(m.group(1))
            depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        i += 1
    return names


def main():
    orig, tree, top, listfile = sys.argv[1:5]
    globs = [l.strip() for l in open(listfile) if l.strip() and not l.startswith("#")]

    def is_upstream_cxl(path):
        return any(fnmatch.fnmatchcase(path, g) or path.startswith(g.rstrip("/") + "/")
                   for g in globs)

    top_real = os.path.realpath(top) + os.sep
    tree_real = os.path.realpath(tree) + os.sep

    # The assembled tree: every file's hash; which ones are ours.
    tree_files = {}
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for fn in filenames:
            path = os.path.join(dirpath, fn)
            if not os.path.isfile(path):
                continue
            real = os.path.realpath(path)
            ours = real.startswith(top_real) and not real.startswith(tree_real)
            with open(path, "rb") as fh:
                data = fh.read()
            tree_files[os.path.relpath(path, tree)] = (hashlib.sha256(data).hexdigest(), ours)

    # The reference, from the archive: upstream CXL files (hashes and the
    # functions they define), and the archive's version of every C file that
    # the assembled tree changed.
    ref_hashes, ref_funcs, base_funcs = {}, {}, {}
    with tarfile.open(orig, "r:xz") as tar:
        for m in tar:
            if not m.isfile():
                continue
            rel = m.name.split("/", 1)[1] if "/" in m.name else m.name
            cxl = is_upstream_cxl(rel)
            changed = rel in tree_files and not tree_files[rel][1] and rel.endswith(C_EXT)
            if not cxl and not changed:
                continue
            data = tar.extractfile(m).read()
            h = hashlib.sha256(data).hexdigest()
            if cxl:
                ref_hashes[h] = rel
                if rel.endswith(C_EXT):
                    for f in defined_functions(data.decode("utf-8", "replace")):
                        ref_funcs.setdefault(f, rel)
            elif h != tree_files[rel][0]:
                base_funcs[rel] = defined_functions(data.decode("utf-8", "replace"))
            else:
                base_funcs[rel] = None      # unchanged: nothing new defined
    if not ref_hashes:
        print("FAIL: no upstream CXL files found in %s: the file list or the archive is wrong" % orig)
        return 1
    print("reference: %d upstream CXL files defining %d functions"
          % (len(ref_hashes), len(ref_funcs)))

    failures = []
    scanned = 0
    for rel, (h, ours) in sorted(tree_files.items()):
        if h in ref_hashes:
            failures.append("%s is byte-identical to upstream %s" % (rel, ref_hashes[h]))
        if ours or not rel.endswith(C_EXT):
            continue
        if rel in base_funcs and base_funcs[rel] is None:
            continue
        # A changed or new QEMU file: it must not define what the deleted
        # files defined, unless the base version of this same file did too.
        scanned += 1
        with open(os.path.join(tree, rel), "rb") as fh:
            text = fh.read().decode("utf-8", "replace")
        already = base_funcs.get(rel) or set()
        for name in sorted((defined_functions(text) & ref_funcs.keys()) - already):
            failures.append("%s defines %s(), which upstream's %s defined"
                            % (rel, name, ref_funcs[name]))
    print("checked %d files (%d ours), scanned %d changed QEMU sources"
          % (len(tree_files), sum(1 for v in tree_files.values() if v[1]), scanned))
    for f in failures:
        print("FAIL: " + f)
    if failures:
        return 1
    print("PASS: no upstream CXL file or function remains outside our files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
