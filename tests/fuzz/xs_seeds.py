#!/usr/bin/env python3
"""Seed inputs for tests/fuzz/xs_fuzz.c, written into the directory given.

Each seed answers the harness's script the way a real xenstored would
(request ids 1, 2, ... in script order), so the fuzzer starts from inputs
that reach every operation and mutates from there.  Input format: see the
comment at the top of xs_fuzz.c.  The numbers come from xen/io/xs_wire.h.
"""
import os
import struct
import sys

# enum xsd_sockmsg_type, xen/io/xs_wire.h
XS_DIRECTORY, XS_READ, XS_WATCH, XS_UNWATCH = 1, 2, 4, 5
XS_TRANSACTION_START, XS_TRANSACTION_END, XS_WRITE = 6, 7, 11
XS_WATCH_EVENT, XS_ERROR = 15, 16


def msg(typ, req_id, body, length=None):
    n = len(body) if length is None else length
    return struct.pack("<IIII", typ, req_id, 0, n) + body


def event(path, token):
    return msg(XS_WATCH_EVENT, 0, path + b"\0" + token + b"\0")


def happy():
    """Replies in script order; each list item is sent after one request."""
    be = b"/local/domain/0/backend/vif/7/0"
    return [
        msg(XS_WATCH, 1, b"OK\0") + event(b"data/w", b"tok"),
        msg(XS_READ, 2, b"7"),
        msg(XS_ERROR, 3, b"ENOENT\0"),
        msg(XS_DIRECTORY, 4, b"a\0b\0"),
        msg(XS_READ, 5, b"7"),
        msg(XS_TRANSACTION_START, 6, b"12\0"),
        msg(XS_READ, 7, b"1"),
        msg(XS_WRITE, 8, b"OK\0"),
        msg(XS_ERROR, 9, b"EAGAIN\0"),
        msg(XS_TRANSACTION_START, 10, b"13\0"),
        msg(XS_READ, 11, b"1"),
        msg(XS_WRITE, 12, b"OK\0"),
        msg(XS_TRANSACTION_END, 13, b"OK\0"),
        event(b"data/w/x", b"tok"),
        msg(XS_READ, 14, b"4"),
        msg(XS_READ, 15, b"0"),
        msg(XS_READ, 16, be),
        msg(XS_WATCH, 17, b"OK\0") + event(b"device/vif/0/state",
                                             b"xenbus-wait-0"),
        msg(XS_READ, 18, b"4"),
        msg(XS_UNWATCH, 19, b"OK\0"),
        msg(XS_WRITE, 20, b"OK\0"),
        msg(XS_UNWATCH, 21, b"OK\0"),
    ]


def steps(replies, chunk):
    """Encode: each reply in chunks of at most `chunk` (<= 64) bytes."""
    out = bytearray()
    for r in replies:
        for i in range(0, len(r), chunk):
            part = r[i:i + chunk]
            out.append(len(part) - 1)
            out += part
    return bytes(out)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    seeds = {
        "happy-64": steps(happy(), 64),
        "happy-7": steps(happy(), 7),
        "happy-1": steps(happy()[:6], 1),
        # A length over XENSTORE_PAYLOAD_MAX, then an index running ahead.
        "oversized": steps([msg(XS_WATCH, 1, b"OK\0", 4097)], 64),
        "overrun": steps(happy()[:2], 64) + b"\xf0\x7f\xf8\x00\x10\x00\x00",
        "backwards": steps(happy()[:3], 64) + b"\xf1\xfc",
    }
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
