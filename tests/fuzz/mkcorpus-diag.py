#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seed corpus of fuzz_diag: sock_diag dump replies as the
kernel sends them (seq 2, portid 4242, as the harness expects), and a few
broken ones. Run from tests/fuzz; the output is kept in corpus/diag."""
import os
import socket
import struct

SEQ, PID = 2, 4242
NLMSG_ERROR, NLMSG_DONE, SOCK_DIAG_BY_FAMILY = 2, 3, 20
NLM_F_MULTI, NLM_F_DUMP_INTR = 0x2, 0x10


def align(b):
    return b + bytes(-len(b) % 4)


def msg(mtype, payload, flags=NLM_F_MULTI, length=None):
    n = 16 + len(payload) if length is None else length
    return align(struct.pack('=IHHII', n, mtype, flags, SEQ, PID) + payload)


def sock(family, src, sport, dst, dport, state=6, attrs=b''):
    def addr(a):
        b = socket.inet_pton(family, a)
        return b + bytes(16 - len(b))
    m = struct.pack('=BBBB', family, state, 3, 0)
    m += struct.pack('>HH', sport, dport) + addr(src) + addr(dst)
    m += struct.pack('=III', 0, 0xffffffff, 0xffffffff)  # if, cookie
    m += struct.pack('=IIIII', 42000, 0, 0, 1000, 0)  # expires ... inode
    return msg(SOCK_DIAG_BY_FAMILY, m + attrs)


def done():
    return msg(NLMSG_DONE, struct.pack('=i', 0))


def error(err):
    # struct nlmsgerr: the error, then the request's header
    return msg(NLMSG_ERROR, struct.pack('=i', err) + bytes(16), flags=0)


v4 = sock(socket.AF_INET, '127.0.0.1', 40000, '127.0.0.2', 8080)
v6 = sock(socket.AF_INET6, '::1', 443, '2001:db8::2', 51515, state=1,
          attrs=struct.pack('=HHI', 8, 3, 0))  # INET_DIAG_TOS-like attr
mapped = sock(socket.AF_INET6, '::ffff:10.0.0.1', 80, '::ffff:10.0.0.2', 1)
seeds = {
    'v4-done': v4 + done(),
    'v6-mapped-more': v6 + mapped,
    'intr-done': msg(SOCK_DIAG_BY_FAMILY, v4[16:],
                     NLM_F_MULTI | NLM_F_DUMP_INTR) + done(),
    'error-eperm': error(-1),
    'error-int-min': error(-2**31),  # -error overflowed (diag.c)
    'ack-then-sock': error(0) + v4,
    'truncated': (v4 + v6)[:100],
    'short-payload': msg(SOCK_DIAG_BY_FAMILY, bytes(20)),
    'huge-len': msg(SOCK_DIAG_BY_FAMILY, v4[16:], length=0x80000000),
    'empty': b'',
}
os.makedirs('corpus/diag', exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join('corpus/diag', name), 'wb') as f:
        f.write(data)
