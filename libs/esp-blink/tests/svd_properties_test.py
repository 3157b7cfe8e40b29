#!/usr/bin/env python3
"""Property tests of tools/svd2hpp.py with Hypothesis (Debian python3-hypothesis): generated SVD
fragments (registers at distinct offsets, non-overlapping fields written in all three SVD bit
position forms, accesses, reset values, enumerated values) must come out of the generator with
every field intact; overlapping fields must be an error naming the register and both fields;
malformed input (a number that is not one, a missing name, broken XML) must be an SvdError that
names the element, never a Python exception from deep inside."""

import os
import re
import sys
import tempfile
import unittest
import xml.sax.saxutils

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import svd2hpp  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ACCESSES = ["read-only", "write-only", "read-write"]
# No example database: nothing is written into the source tree.
SHORT = dict(max_examples=60, deadline=None, database=None,
             suppress_health_check=[HealthCheck.too_slow])


@st.composite
def fields(draw, reg_index, reg_access):
    """Non-overlapping fields: cut 32 bits at sorted points and keep some of the pieces."""
    cuts = sorted(draw(st.sets(st.integers(1, 31), max_size=6)))
    edges = [0] + cuts + [32]
    out = []
    for k, (lo, hi) in enumerate(zip(edges, edges[1:])):
        if not draw(st.booleans()):
            continue
        width = hi - lo
        choices = [None] + (ACCESSES if reg_access == "read-write" else [reg_access])
        values = draw(st.lists(st.integers(0, (1 << min(width, 8)) - 1), max_size=3, unique=True))
        out.append({
            "name": f"R{reg_index}F{k}_{draw(st.sampled_from(['EN', 'MODE', 'DIV', 'X']))}",
            "offset": lo, "width": width, "access": draw(st.sampled_from(choices)),
            "form": draw(st.sampled_from(["offset", "lsb", "range"])),
            "enums": [(f"V{v}", v) for v in values],
        })
    return out


@st.composite
def peripherals(draw):
    offsets = draw(st.lists(st.integers(0, 63), min_size=1, max_size=4, unique=True))
    regs = []
    for i, slot in enumerate(offsets):
        access = draw(st.sampled_from(ACCESSES))
        regs.append({"name": f"REG{i}_{draw(st.sampled_from(['CONF', 'CTRL', 'STATUS']))}",
                     "offset": slot * 4, "access": access,
                     "reset": draw(st.integers(0, 0xFFFFFFFF)),
                     "fields": draw(fields(i, access))})
    return {"name": "DEMO", "base": draw(st.integers(0, 0xFFFF)) * 0x1000, "registers": regs}


def field_xml(f):
    if f["form"] == "offset":
        where = f"<bitOffset>{f['offset']}</bitOffset><bitWidth>{f['width']}</bitWidth>"
    elif f["form"] == "lsb":
        where = f"<lsb>{f['offset']}</lsb><msb>{f['offset'] + f['width'] - 1}</msb>"
    else:
        where = f"<bitRange>[{f['offset'] + f['width'] - 1}:{f['offset']}]</bitRange>"
    access = f"<access>{f['access']}</access>" if f["access"] else ""
    enums = ""
    if f["enums"]:
        values = "".join(f"<enumeratedValue><name>{n}</name><value>{v}</value></enumeratedValue>"
                         for n, v in f["enums"])
        enums = f"<enumeratedValues>{values}</enumeratedValues>"
    return f"<field><name>{f['name']}</name>{where}{access}{enums}</field>"


def svd_xml(p, overrides=None):
    """The SVD text; `overrides` maps (register index, tag) to replacement element text."""
    overrides = overrides or {}
    regs = []
    for i, r in enumerate(p["registers"]):
        def text(tag, value):
            return xml.sax.saxutils.escape(str(overrides.get((i, tag), value)))
        fields_xml = "".join(field_xml(f) for f in r["fields"])
        name = "" if (i, "name") in overrides else f"<name>{r['name']}</name>"
        regs.append(f"<register>{name}<addressOffset>{text('addressOffset', hex(r['offset']))}"
                    f"</addressOffset><access>{r['access']}</access>"
                    f"<resetValue>{text('resetValue', hex(r['reset']))}</resetValue>"
                    f"<fields>{fields_xml}</fields></register>")
    return (f"<device><name>T</name><peripherals><peripheral><name>{p['name']}</name>"
            f"<baseAddress>{hex(p['base'])}</baseAddress><registers>{''.join(regs)}"
            f"</registers></peripheral></peripherals></device>")


def generate(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "t.svd")
        with open(path, "w") as fh:
            fh.write(text)
        return svd2hpp.generate(path, ["DEMO"], umbrella=False)["demo.hpp"]


def effective(reg_access, field_access):
    names = {"read-only": "read_only", "write-only": "write_only", "read-write": "read_write"}
    return names[field_access or reg_access]


REG_RE = re.compile(r"struct (\w+) : reg<Base \+ 0x([0-9A-F]+)u, access::(\w+), 0x([0-9A-F]+)u> \{")
FIELD_RE = re.compile(r"using (\w+) = field<Base \+ 0x([0-9A-F]+)u, (\d+), (\d+), access::(\w+)"
                      r"(?:, (\w+))?>;")


class round_trip(unittest.TestCase):
    @settings(**SHORT)
    @given(peripherals())
    def test_every_register_and_field_comes_out_as_written(self, p):
        header = generate(svd_xml(p))
        regs = {m.group(1): m for m in REG_RE.finditer(header)}
        fields = {(int(m.group(2), 16), m.group(1)): m for m in FIELD_RE.finditer(header)}
        self.assertIn(f"using demo = demo_block<0x{p['base']:08X}u>;", header)
        for r in p["registers"]:
            m = regs[svd2hpp.ident(r["name"])]
            self.assertEqual(int(m.group(2), 16), r["offset"])
            self.assertEqual(int(m.group(4), 16), r["reset"])
            for f in r["fields"]:
                fm = fields[(r["offset"], svd2hpp.ident(f["name"]))]
                self.assertEqual((int(fm.group(3)), int(fm.group(4))), (f["offset"], f["width"]))
                self.assertEqual(fm.group(5), effective(r["access"], f["access"]))
                if f["enums"]:
                    body = header[header.index(f"enum class {fm.group(6)} "):]
                    body = body[:body.index("};")]
                    for n, v in f["enums"]:
                        self.assertIn(f"  {n.lower()} = {v}u,", body)
                else:
                    self.assertIsNone(fm.group(6))
        self.assertEqual(len(fields), sum(len(r["fields"]) for r in p["registers"]))


class overlaps(unittest.TestCase):
    @settings(**SHORT)
    @given(peripherals(), st.data())
    def test_an_overlapping_field_is_an_error_naming_both(self, p, data):
        candidates = [r for r in p["registers"] if r["fields"]]
        if not candidates:
            return
        reg = data.draw(st.sampled_from(candidates))
        victim = data.draw(st.sampled_from(reg["fields"]))
        bit = data.draw(st.integers(victim["offset"], victim["offset"] + victim["width"] - 1))
        width = data.draw(st.integers(1, 32 - bit))
        reg["fields"].append({"name": "CLASH", "offset": bit, "width": width, "access": None,
                              "form": "offset", "enums": []})
        with self.assertRaises(svd2hpp.SvdError) as e:
            generate(svd_xml(p))
        self.assertIn(reg["name"], str(e.exception))
        self.assertIn("CLASH", str(e.exception))
        self.assertIn("overlap", str(e.exception))


class malformed(unittest.TestCase):
    @settings(**SHORT)
    @given(peripherals(), st.data())
    def test_a_bad_number_names_the_element(self, p, data):
        i = data.draw(st.integers(0, len(p["registers"]) - 1))
        tag = data.draw(st.sampled_from(["addressOffset", "resetValue"]))
        junk = data.draw(st.sampled_from(["zz", "0x", "1.5", "-", "0xg1", "#2"]))
        with self.assertRaises(svd2hpp.SvdError) as e:
            generate(svd_xml(p, {(i, tag): junk}))
        self.assertIn(p["registers"][i]["name"], str(e.exception))
        self.assertIn(tag, str(e.exception))

    @settings(**SHORT)
    @given(peripherals(), st.data())
    def test_a_missing_name_or_broken_xml_is_an_svd_error(self, p, data):
        i = data.draw(st.integers(0, len(p["registers"]) - 1))
        with self.assertRaises(svd2hpp.SvdError) as e:
            generate(svd_xml(p, {(i, "name"): None}))
        self.assertIn("<register>", str(e.exception))
        cut = data.draw(st.integers(1, len(svd_xml(p)) - 1))
        with self.assertRaises(svd2hpp.SvdError):
            generate(svd_xml(p)[:cut])


if __name__ == "__main__":
    unittest.main()
