#!/usr/bin/env python3
"""Writes the seed corpus for tests/fuzz (corpus/<target>/*).

The seeds are small, valid-looking inputs for each decoder so that both the
replay test and a fuzzing run start from inputs that reach deep code.  Run
from anywhere; it rewrites the corpus directories next to this script.
"""
import json
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- module binaries -------------------------------------------------------

def tlv(t, payload):
    return struct.pack("<HH", t, 4 + len(payload)) + payload


def module(start, platform, func, index=0, version=1, prefix_offset=0, flags=0,
           deps=((0, 0, 0), (0, 0, 0)), prefix_ext=b"", body=200, product=None,
           suffix_ext=b"", sha=1):
    suffix_len = len(suffix_ext) + (4 if product else 0) + 36
    mlen = prefix_offset + 24 + len(prefix_ext) + body + suffix_len
    buf = bytearray((0xA5 ^ (i * 7)) & 0xFF for i in range(mlen))
    prefix = struct.pack("<IIBBHHBB", start, start + mlen, 0, flags, version, platform, func, index)
    for f, i, v in deps:
        prefix += struct.pack("<BBH", f, i, v)
    buf[prefix_offset:prefix_offset + 24 + len(prefix_ext)] = prefix + prefix_ext
    suffix = suffix_ext
    if product:
        suffix += struct.pack("<HH", *product)
    suffix += b"\0\0" + bytes((sha + i) & 0xFF for i in range(32)) + struct.pack("<H", suffix_len)
    buf[mlen - suffix_len:mlen] = suffix
    return bytes(buf) + struct.pack(">I", zlib.crc32(bytes(buf)) & 0xFFFFFFFF)


def module_seeds():
    write("module", "photon_user", module(0x080A0000, 6, 5, 1, 6, deps=((4, 2, 2300), (0, 0, 0)),
                                          product=(6, 0xFFFF)))
    write("module", "argon_system_0x200",
          module(0x30000, 12, 4, 1, 4100, prefix_offset=0x200, deps=((8, 0, 202), (2, 0, 1200))))
    ext = tlv(2, b"\x11" * 12) + tlv(1, b"\xff\xff\x20\x00\x04\x00")
    write("module", "p2_user_suffix_ext", module(0x085F4000, 32, 5, 1, 6, deps=((4, 1, 5301), (0, 0, 0)),
                                                 suffix_ext=ext))
    pext = tlv(3, b"\x04\x01\xd5\x17\0\0\0\0") + tlv(0x11, b"cat.jpg") + tlv(0, b"\0")
    write("module", "p2_prefix_ext", module(0x085F3F90, 32, 5, 1, 6, flags=0x10,
                                            deps=((4, 1, 5300), (0, 0, 0)), prefix_ext=pext))
    write("module", "core_mono_0x10c", module(0x08005000, 0, 3, prefix_offset=0x10C, product=(5, 10)))
    write("module", "electron_system_0x184", module(0x08060000, 10, 4, 1, 2300, prefix_offset=0x184))
    write("module", "p2_bootloader_0x20", module(0x08004000, 32, 2, 0, 2400, prefix_offset=0x20,
                                                 deps=((2, 2, 7), (0, 0, 0))))
    write("module", "argon_radio_drop", module(0x1000, 12, 8, 0, 182, flags=0x01,
                                               deps=((4, 1, 1300), (2, 0, 311))))
    tail = tlv(0x12, b"\x00\x20" + b"\x77" * 32 + b"a.bin") + tlv(0, b"") + struct.pack("<HH", 8178, 13)
    write("module", "tracker_suffix_end_product", module(0xB4000, 26, 5, 2, 6, suffix_ext=tail))
    good = module(0xB4000, 13, 5, 2, 6, deps=((4, 1, 6101), (0, 0, 0)))
    write("module", "boron_user", good)
    write("module", "boron_user_bad_crc", good[:100] + bytes([good[100] ^ 1]) + good[101:])
    write("module", "boron_user_truncated", good[: len(good) // 2])
    write("module", "boron_user_padded", good + b"\xff" * 40)
    write("module", "zip_header", b"PK\x03\x04" + bytes(range(200)))


# ---- DfuSe memory descriptors ----------------------------------------------

def dfuse_seeds():
    with open(os.path.join(ROOT, "knowledge", "devices.json")) as f:
        devices = json.load(f)["devices"]
    seen = []
    for d in devices:
        for alt in d.get("dfu", {}).get("alts", []):
            if alt not in seen:
                seen.append(alt)
    for i, alt in enumerate(seen):
        write("dfuse", "devices_json_%02d" % i, alt.encode())
    write("dfuse", "groups", b"@Internal Flash/0x08000000/2*4Kg/0x1FFF0000/1*30Ka,/0xabcDEF00/1*1Kf")
    write("dfuse", "units", b"  @ Name / 0x10 / 1 * 16 K b , 2*1Kd ,4*512 g,1*1Mc")
    write("dfuse", "protected", b"@Internal Flash   /0x00000000/1*004Kb,47*004Kb,192*004Kb")
    write("dfuse", "with_lookup", b"@Internal Flash   /0x00000000/1*004Ka,47*004Kg,8*004Ka\0"
          + struct.pack("<QQ", 0xF000, 0x40000))


# ---- control-request replies -------------------------------------------------

def varint(v):
    out = b""
    while True:
        b = v & 0x7F
        v >>= 7
        out += bytes([b | (0x80 if v else 0)])
        if not v:
            return out


def field(num, wire, payload):
    return varint(num << 3 | wire) + payload


def u(num, v):
    return field(num, 0, varint(v & 0xFFFFFFFFFFFFFFFF))


def fx32(num, v):
    return field(num, 5, struct.pack("<I", v))


def ld(num, data):
    return field(num, 2, varint(len(data)) + data)


def ctrl_seeds():
    dep = ld(9, u(1, 4) + u(2, 1) + u(3, 6101))
    user = u(1, 5) + u(2, 2) + u(3, 6) + u(5, 262144) + fx32(6, 0x1E) + fx32(7, 0x1E) + \
        ld(8, bytes(range(32))) + dep + ld(10, ld(2, b"cat.jpg")) + u(11, 6874)
    system = u(1, 4) + u(2, 1) + u(3, 6101) + u(4, 0) + fx32(6, 0x1E) + fx32(7, 0x1A)
    write("ctrl", "pb_walk", bytes([0]) + ld(1, ld(2, ld(3, u(1, 1)))) + fx32(4, 1) +
          field(5, 1, b"\1" * 8))
    write("ctrl", "module_info_current", bytes([1]) + ld(2, system) + ld(2, user))
    legacy = u(1, 3) + u(2, 1) + u(3, 6) + u(4, 4752) + u(5, 2) + ld(6, u(1, 2) + u(2, 2) + u(3, 1512))
    write("ctrl", "module_info_legacy", bytes([1]) + ld(1, legacy) + ld(1, u(1, 2) + u(2, 1)))
    write("ctrl", "iccid", bytes([2]) + ld(1, b"89014103211118510720") + ld(2, b"352753090123456"))
    write("ctrl", "device_mode", bytes([3]) + u(1, 1))
    write("ctrl", "device_id", bytes([4]) + ld(1, b"e00fce68aaaaaaaaaaaaaaaa"))
    write("ctrl", "system_version", bytes([5]) + ld(1, b"6.2.0"))
    write("ctrl", "vendor_text", bytes([6]) + b"6.2.0" + b"\0" * 58)
    write("ctrl", "vendor_device_id", bytes([7]) + b"E00FCE68AAAAAAAAAAAAAAAA" + b"\0" * 40)
    entries = b"".join(ld(1, u(1, i) + ld(2, n) + u(3, t))
                       for i, n, t in ((1, b"lo0", 1), (2, b"en2", 4), (4, b"wl4", 8), (3, b"pp3", 16)))
    write("ctrl", "iface_list", bytes([8]) + entries)
    iface = u(1, 4) + ld(2, b"wl4") + u(3, 8) + u(4, 0x8043) + ld(6, ld(1, fx32(1, 0x0100A8C0))) + \
        ld(8, b"\xa4\xcf\x12\x00\xfe\x01") + u(9, 1500) + ld(11, b"MySSID")
    write("ctrl", "iface_mac", bytes([9]) + ld(1, iface))
    write("ctrl", "service_reply", bytes([10]) + struct.pack("<IHHIi", 0x0F, 0, 7, 120, -120))
    write("ctrl", "service_reply_pending", bytes([10]) + struct.pack("<IH", 0x01, 2))
    write("ctrl", "encode_iface", bytes([11 + 12 * 15 % 256]) + struct.pack("<I", 300))


if __name__ == "__main__":
    module_seeds()
    dfuse_seeds()
    ctrl_seeds()
