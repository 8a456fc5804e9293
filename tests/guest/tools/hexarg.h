/*
 * Hex arguments of the guest tools (cxlmbox, cxlfwctl): bytes given on
 * the command line as hex digits, and bytes printed the same way.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef GUEST_TOOLS_HEXARG_H
#define GUEST_TOOLS_HEXARG_H

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * @hex as bytes in @buf (room for @max): pairs of hex digits, with ' ',
 * '.' and '-' allowed between them as separators (payload fields, UUIDs).
 * Returns the count; exits with a message naming @prog on bad input.
 */
static inline size_t parse_hex(const char *prog, const char *hex,
                               uint8_t *buf, size_t max)
{
    size_t n = 0;
    int hi = -1;

    for (; *hex; hex++) {
        int v;

        if (*hex == ' ' || *hex == '.' || *hex == '-') {
            continue;
        }
        if (!isxdigit((unsigned char)*hex) || n >= max) {
            fprintf(stderr, "%s: bad hex at '%s'\n", prog, hex);
            exit(1);
        }
        v = isdigit((unsigned char)*hex) ? *hex - '0'
                                         : tolower((unsigned char)*hex) - 'a' + 10;
        if (hi < 0) {
            hi = v;
        } else {
            buf[n++] = hi << 4 | v;
            hi = -1;
        }
    }
    if (hi >= 0) {
        fprintf(stderr, "%s: odd number of hex digits\n", prog);
        exit(1);
    }
    return n;
}

/* @n bytes of @b as hex digits, no separators */
static inline void print_hex(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%02x", b[i]);
    }
}

#endif /* GUEST_TOOLS_HEXARG_H */
