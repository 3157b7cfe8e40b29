#!/usr/bin/env python3
"""Generate esp-blink's typed register headers from a CMSIS-SVD file.

    svd2hpp.py --svd esp32c3.svd --out generated/esp_blink/pac [--peripherals A,B]
    svd2hpp.py --svd esp32c3.svd --check generated/esp_blink/pac

--check exits 0 when the committed headers match a fresh generation, 1 when they do not, and
77 (CTest's skip code) when the SVD is absent: it is Espressif's file and not in the repository.

Every peripheral becomes a class template over its base address (so `derivedFrom` is an alias
to the same template at another address); every register a type derived from
`esp_blink::reg<address, access, reset>` with a `fields_mask` of the bits its fields cover;
every field a `esp_blink::field<...>`, typed by an `enum class` when the SVD names its values.
`dim` arrays of registers become templates over the index (`comd<3>`) and, beside them, an
`esp_blink::reg_array` indexed at run time (`comd_array::write(i, ...)`, svd2rust's `comd(n)`);
clusters become nested templates over their base. Field packing (`pack`, `merge`) and the
compile-time range checks live in reg.hpp, once, not in every generated register.
Output depends only on the SVD and this script (sorted, no dates): re-running gives the same
bytes, which the regeneration test checks.
"""

import argparse
import difflib
import hashlib
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from svd_patches import PATCHES  # noqa: E402

DEFAULT_PERIPHERALS = ["SYSTEM", "RTC_CNTL", "TIMG0", "TIMG1", "GPIO", "IO_MUX", "UART0",
                       "UART1", "I2C0", "SYSTIMER", "INTERRUPT_CORE0", "RMT", "SPI2",
                       "USB_DEVICE", "RNG", "LEDC", "APB_SARADC"]

CPP_KEYWORDS = {
    "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char",
    "class", "const", "continue", "default", "delete", "do", "double", "else", "enum",
    "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if", "inline",
    "int", "long", "mutable", "namespace", "new", "not", "operator", "or", "private",
    "protected", "public", "register", "return", "short", "signed", "sizeof", "static",
    "struct", "switch", "template", "this", "throw", "true", "try", "typedef", "union",
    "unsigned", "using", "virtual", "void", "volatile", "while", "xor", "concept", "requires",
}
# Members of esp_blink::reg / esp_blink::field that a nested name must not hide.
RESERVED_MEMBERS = {
    "address", "access_mode", "reset_value", "read", "write_raw", "write", "modify", "check",
    "merge", "register_address", "offset", "width", "max", "mask", "value", "dynamic",
    "extract", "values", "pack", "fields_mask",
}
ACCESS = {
    "read-only": "read_only",
    "write-only": "write_only",
    "read-write": "read_write",
    "writeOnce": "write_only",
    "read-writeOnce": "read_write",
}


SKIPPED = 77  # CTest's SKIP_RETURN_CODE for the freshness test


class SvdError(Exception):
    pass


def num(text):
    text = text.strip().lower()
    if text.startswith("0x"):
        return int(text, 16)
    if text.startswith("#"):
        return int(text[1:].replace("x", "0"), 2)
    return int(text, 0)


def child_text(node, tag, default=None):
    c = node.find(tag)
    return c.text.strip() if c is not None and c.text is not None else default


def describe(node):
    """How an error names an element: its tag and <name>."""
    return f"<{node.tag}> {child_text(node, 'name', '(no name)')}"


def number(node, tag, default=None):
    """The number in `node`'s <tag> (or `default`); SvdError naming the element otherwise."""
    text = child_text(node, tag, default)
    if text is None:
        raise SvdError(f"{describe(node)}: <{tag}> missing")
    try:
        return num(text)
    except ValueError:
        raise SvdError(f"{describe(node)}: <{tag}> {text!r} is not a number") from None


def name_of(node):
    name = child_text(node, "name")
    if not name:
        raise SvdError(f"<{node.tag}> without a <name>")
    return name


def ident(name):
    s = re.sub(r"[^0-9A-Za-z_]", "_", name).lower().strip("_")
    s = re.sub(r"_+", "_", s)
    if not s or s[0].isdigit():
        s = "r_" + s
    if s in CPP_KEYWORDS:
        s += "_"
    return s


def summary(text):
    if not text:
        return ""
    text = " ".join(text.split())
    return text.replace("*/", "* /")


# ---------------------------------------------------------------- model
class Field:
    def __init__(self, name, offset, width, access, description, enums):
        self.name, self.offset, self.width = name, offset, width
        self.access, self.description, self.enums = access, description, enums


class Register:
    def __init__(self):
        self.name = ""
        self.description = ""
        self.offset = 0
        self.access = None
        self.reset = 0
        self.size = 32
        self.fields = []
        self.dim = None  # (count, increment, indices)


class Cluster:
    def __init__(self):
        self.name = ""
        self.description = ""
        self.offset = 0
        self.children = []  # Register | Cluster
        self.dim = None


class Peripheral:
    def __init__(self):
        self.name = ""
        self.description = ""
        self.base = 0
        self.derived_from = None
        self.children = []


def parse_dim(node):
    dim = child_text(node, "dim")
    if dim is None:
        return None
    count = number(node, "dim")
    inc = number(node, "dimIncrement", "0")
    index = child_text(node, "dimIndex")
    if index is None:
        indices = list(range(count))
    elif re.fullmatch(r"\d+-\d+", index):
        lo, hi = (int(x) for x in index.split("-"))
        indices = list(range(lo, hi + 1))
    else:
        indices = [x.strip() for x in index.split(",")]
    if len(indices) != count:
        raise SvdError(f"dimIndex of {child_text(node, 'name')} does not match dim")
    return (count, inc, indices)


def parse_fields(node, reg_access):
    """One Field, or one per index for a field with `dim` (e.g. CH%s_TX_END, bit n = channel n)."""
    field = parse_field(node, reg_access)
    dim = parse_dim(node)
    if dim is None:
        return [field]
    count, inc, indices = dim
    out = []
    for k, idx in enumerate(indices):
        out.append(Field(field.name.replace("[%s]", str(idx)).replace("%s", str(idx)),
                         field.offset + k * inc, field.width, field.access,
                         field.description.replace("%s", str(idx)), field.enums))
    return out


def parse_field(node, reg_access):
    name = name_of(node)
    if child_text(node, "bitOffset") is not None:
        offset = number(node, "bitOffset")
        width = number(node, "bitWidth", "1")
    elif child_text(node, "lsb") is not None:
        offset = number(node, "lsb")
        width = number(node, "msb") - offset + 1
    else:
        m = re.fullmatch(r"\[(\d+):(\d+)\]", child_text(node, "bitRange", ""))
        if not m:
            raise SvdError(f"field {name} has no bit position")
        offset = int(m.group(2))
        width = int(m.group(1)) - offset + 1
    if width < 1 or offset < 0:
        raise SvdError(f"field {name}: bit position {offset}, width {width}")
    access = child_text(node, "access", reg_access)
    enums = []
    for ev in node.iter("enumeratedValue"):
        v = child_text(ev, "value")
        if v is None or "x" in v.lower().lstrip("0x").replace("0x", ""):
            continue  # default or don't-care patterns carry no single constant
        enums.append((name_of(ev), number(ev, "value")))
    return Field(name, offset, width, access, summary(child_text(node, "description")), enums)


def parse_register(node, defaults):
    r = Register()
    r.name = name_of(node)
    r.description = summary(child_text(node, "description"))
    r.offset = number(node, "addressOffset")
    r.size = number(node, "size", str(defaults["size"]))
    r.access = child_text(node, "access", defaults["access"])
    r.reset = number(node, "resetValue", str(defaults["reset"]))
    r.dim = parse_dim(node)
    fields = node.find("fields")
    if fields is not None:
        r.fields = [f for node in fields.findall("field") for f in parse_fields(node, r.access)]
    return r


def parse_children(node, defaults):
    out = []
    for c in node:
        if c.tag == "register":
            out.append(parse_register(c, defaults))
        elif c.tag == "cluster":
            cl = Cluster()
            cl.name = name_of(c)
            cl.description = summary(child_text(c, "description"))
            cl.offset = number(c, "addressOffset")
            cl.dim = parse_dim(c)
            cl.children = parse_children(c, defaults)
            out.append(cl)
    return out


def parse(svd_path):
    try:
        root = ET.parse(svd_path).getroot()
    except ET.ParseError as e:
        raise SvdError(f"{os.path.basename(svd_path)}: not well-formed XML ({e})") from None
    defaults = {
        "size": number(root, "size", "32"),
        "access": child_text(root, "access", "read-write"),
        "reset": number(root, "resetValue", "0"),
    }
    peripherals = {}
    listing = root.find("peripherals")
    if listing is None:
        raise SvdError(f"{describe(root)}: <peripherals> missing")
    for p in listing.findall("peripheral"):
        per = Peripheral()
        per.name = name_of(p)
        per.description = summary(child_text(p, "description"))
        per.base = number(p, "baseAddress")
        per.derived_from = p.get("derivedFrom")
        regs = p.find("registers")
        per.children = parse_children(regs, defaults) if regs is not None else []
        peripherals[per.name] = per
    return peripherals


def apply_patches(peripherals, patches):
    for patch in patches:
        per = peripherals.get(patch["peripheral"])
        if per is None:
            continue  # peripheral not in this SVD (e.g. a test fixture)
        reg = next((r for r in per.children
                    if isinstance(r, Register) and r.name == patch["register"]), None)
        if reg is None:
            raise SvdError(f"patch target {patch['peripheral']}.{patch['register']} missing")
        if "dim" in patch:
            if reg.dim is None:
                raise SvdError(f"patch: {reg.name} is not an array")
            count, inc, indices = reg.dim
            if count == patch["dim"]:
                raise SvdError(f"patch: {reg.name} already has {count} entries; drop the patch")
            reg.dim = (patch["dim"], inc, indices[:patch["dim"]])
        if "replace_fields" in patch:
            wanted = [(n, o, w) for (n, o, w, _, _) in patch["replace_fields"]]
            if sorted(wanted) == sorted((f.name, f.offset, f.width) for f in reg.fields):
                raise SvdError(f"patch: {reg.name} already has these fields; drop the patch")
            reg.fields = [Field(n, o, w, a, "", list(e))
                          for (n, o, w, a, e) in patch["replace_fields"]]


# ---------------------------------------------------------------- emission
def narrow(reg_access, field_access):
    """The field's effective access: no wider than its register's."""
    r = ACCESS.get(reg_access or "read-write", "read_write")
    f = ACCESS.get(field_access or reg_access or "read-write", "read_write")
    if r == "read_write":
        return f
    if f == "read_write" or f == r:
        return r
    raise SvdError(f"field access {f} contradicts register access {r}")


def register_access(reg):
    if reg.fields:
        accs = {narrow(reg.access, f.access) for f in reg.fields}
        readable = any(a != "write_only" for a in accs)
        writable = any(a != "read_only" for a in accs)
        if readable and writable:
            return "read_write"
        return "read_only" if readable else "write_only"
    return ACCESS.get(reg.access or "read-write", "read_write")


def array_name(name):
    n = name.replace("[%s]", "").replace("%s", "")
    return ident(n)


def index_param(dim, what):
    """(template head, address term, static_assert) for a dim array."""
    count, inc, indices = dim
    if not all(isinstance(i, int) for i in indices) or indices != list(
            range(indices[0], indices[0] + count)):
        raise SvdError(f"{what}: only contiguous numeric dimIndex becomes a template")
    lo, hi = indices[0], indices[-1]
    cond = f"N <= {hi}u" if lo == 0 else f"N >= {lo}u && N <= {hi}u"
    term = f"(N - {lo}u) * 0x{inc:X}u" if lo else f"N * 0x{inc:X}u"
    return ("template <unsigned N>", term,
            f'static_assert({cond}, "esp_blink: index outside {what}[{lo}..{hi}]");')


def expand_named(items):
    """Expands dim arrays with non-numeric indices into plain registers/clusters."""
    out = []
    for it in items:
        if it.dim and not all(isinstance(i, int) for i in it.dim[2]):
            count, inc, indices = it.dim
            for k, idx in enumerate(indices):
                copy = Register() if isinstance(it, Register) else Cluster()
                copy.__dict__.update(it.__dict__)
                copy.name = it.name.replace("[%s]", str(idx)).replace("%s", str(idx))
                copy.offset = it.offset + k * inc
                copy.dim = None
                out.append(copy)
        else:
            out.append(it)
    return out


class Emitter:
    def __init__(self, prefix=""):
        self.lines = []
        self.enums = []  # namespace-scope enum classes, emitted before the block
        self.enum_names = set()
        self.prefix = prefix  # names the enums: peripheral, clusters, register, field

    def line(self, text, depth):
        self.lines.append(("  " * depth + text) if text else "")

    def doc(self, text, depth):
        if text:
            self.line(f"/// {text}", depth)

    def field(self, f, reg, reg_name, addr_expr, taken, depth):
        if f.offset + f.width > 32:
            raise SvdError(f"{reg.name}.{f.name} lies outside 32 bits")
        name = ident(f.name)
        if name in taken or name in RESERVED_MEMBERS:
            name += "_field"
        taken.add(name)
        acc = narrow(reg.access, f.access)
        values = ""
        if f.enums:
            values = ", " + self.enum(f, reg, reg_name, name)
        self.doc(f.description, depth)
        self.line(f"using {name} = field<{addr_expr}, {f.offset}, {f.width}, access::{acc}{values}>;",
                  depth)

    def enum(self, f, reg, reg_name, name):
        """Emits the field's named values as an enum class at namespace scope (one type for
        every index of an array and every derived peripheral) and returns its name."""
        enum_name = f"{self.prefix}_{reg_name}_{name}"
        if enum_name in self.enum_names:
            raise SvdError(f"two enums named {enum_name}")
        self.enum_names.add(enum_name)
        limit = (1 << f.width) - 1
        self.enums.append(f"/// {self.prefix.upper()} {reg.name}.{f.name}: the values the SVD names.")
        self.enums.append(f"enum class {enum_name} : uint32_t {{")
        seen = set()
        for en, ev in f.enums:
            if ev > limit:
                raise SvdError(f"{reg.name}.{f.name}: value {en} = {ev} does not fit {f.width} bits")
            if ident(en) in seen:
                raise SvdError(f"{reg.name}.{f.name}: two values named {ident(en)}")
            seen.add(ident(en))
            self.enums.append(f"  {ident(en)} = {ev}u,")
        self.enums += ["};", ""]
        return enum_name

    def register(self, reg, base_expr, taken, depth):
        if reg.size != 32:
            self.line(f"// {reg.name}: {reg.size}-bit register not generated", depth)
            return
        acc = register_access(reg)
        self.doc(reg.description, depth)
        if reg.dim:
            name = array_name(reg.name)
            head, term, check = index_param(reg.dim, name)
            addr = f"{base_expr} + 0x{reg.offset:X}u + {term}"
            self.line(head, depth)
        else:
            name = ident(reg.name)
            addr, check = f"{base_expr} + 0x{reg.offset:X}u", None
        if name in taken:
            raise SvdError(f"two registers named {name}")
        taken.add(name)
        self.line(f"struct {name} : reg<{addr}, access::{acc}, 0x{reg.reset:08X}u> {{", depth)
        if check:
            self.line(check, depth + 1)
        by_bit = sorted(reg.fields, key=lambda x: (x.offset, x.name))
        for a, b in zip(by_bit, by_bit[1:]):
            if a.offset + a.width > b.offset:
                raise SvdError(f"{reg.name}: fields {a.name} and {b.name} overlap")
        if reg.fields:
            mask = 0
            for f in reg.fields:
                mask |= ((1 << f.width) - 1) << f.offset
            self.line(f"static constexpr uint32_t fields_mask = 0x{mask & 0xFFFFFFFF:08X}u;", depth + 1)
        field_names = {name}
        for f in sorted(reg.fields, key=lambda x: (x.offset, x.name)):
            self.field(f, reg, name, addr, field_names, depth + 1)
        self.line("};", depth)
        if reg.dim:
            self.run_time_array(reg, name, taken, depth)

    def run_time_array(self, reg, name, taken, depth):
        """The same registers indexed at run time, beside the compile-time template."""
        count, inc, indices = reg.dim
        array = f"{name}_array"
        if array in taken:
            raise SvdError(f"two registers named {array}")
        taken.add(array)
        lo, hi = indices[0], indices[-1]
        self.line(f"/// {name}<{lo}..{hi}> indexed at run time.", depth)
        self.line(f"using {array} = reg_array<{name}<{lo}u>, 0x{inc:X}u, {count}u, {lo}u>;", depth)

    def children(self, items, base_expr, depth):
        taken = set()
        for it in sorted(expand_named(items), key=lambda x: (x.offset, x.name)):
            if isinstance(it, Register):
                self.register(it, base_expr, taken, depth)
            else:
                self.cluster(it, base_expr, taken, depth)

    def cluster(self, cl, base_expr, taken, depth):
        name = array_name(cl.name) if cl.dim else ident(cl.name)
        if name in taken:
            raise SvdError(f"two members named {name}")
        taken.add(name)
        self.doc(cl.description, depth)
        self.line(f"/// Cluster {cl.name}: its registers relative to CBase.", depth)
        self.line("template <uint32_t CBase>", depth)
        self.line(f"struct {name}_block {{", depth)
        outer, self.prefix = self.prefix, f"{self.prefix}_{name}"
        self.children(cl.children, "CBase", depth + 1)
        self.prefix = outer
        self.line("};", depth)
        if cl.dim:
            head, term, check = index_param(cl.dim, name)
            self.line(head, depth)
            self.line(f"struct {name} : {name}_block<{base_expr} + 0x{cl.offset:X}u + {term}> {{",
                      depth)
            self.line(check, depth + 1)
            self.line("};", depth)
        else:
            self.line(f"using {name} = {name}_block<{base_expr} + 0x{cl.offset:X}u>;", depth)


def header_preamble(svd_name, sha):
    return [
        f"// Generated by libs/esp-blink/tools/svd2hpp.py from {svd_name}, sha256",
        f"// {sha}.",
        "// Do not edit: change the generator or tools/svd_patches.py and regenerate.",
        "#pragma once",
        "",
        "#include <stdint.h>",
        "",
        "#include <esp_blink/reg.hpp>",
        "",
    ]


def generate(svd_path, wanted, umbrella=True):
    with open(svd_path, "rb") as fh:
        sha = hashlib.sha256(fh.read()).hexdigest()
    svd_name = os.path.basename(svd_path)
    peripherals = parse(svd_path)
    apply_patches(peripherals, PATCHES)
    files = {}
    for pname in wanted:
        per = peripherals.get(pname)
        if per is None:
            raise SvdError(f"peripheral {pname} not in the SVD")
        lines = header_preamble(svd_name, sha)
        origin = per
        if per.derived_from:
            origin = peripherals[per.derived_from]
            lines.insert(-1, f"#include <esp_blink/pac/{ident(origin.name)}.hpp>")
        lines += ["namespace esp_blink::pac {", ""]
        block = f"{ident(origin.name)}_block"
        if not per.derived_from:
            em = Emitter(ident(per.name))
            em.doc(per.description, 0)
            em.line(f"/// {per.name} registers relative to Base (derived peripherals reuse it).", 0)
            em.line("template <uint32_t Base>", 0)
            em.line(f"struct {block} {{", 0)
            em.line("static constexpr uint32_t base = Base;", 1)
            em.children(per.children, "Base", 1)
            em.line("};", 0)
            lines += em.enums + em.lines + [""]
        note = f" (derived from {origin.name})" if per.derived_from else ""
        lines.append(f"/// {per.name} at 0x{per.base:08X}{note}.")
        lines.append(f"using {ident(per.name)} = {block}<0x{per.base:08X}u>;")
        lines += ["", "}  // namespace esp_blink::pac", ""]
        files[f"{ident(per.name)}.hpp"] = "\n".join(lines)
    if umbrella:
        lines = header_preamble(svd_name, sha)[:-2]
        lines += [f"#include <esp_blink/pac/{name}>" for name in sorted(files)] + [""]
        files["../pac.hpp"] = "\n".join(lines)
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--svd", required=True)
    ap.add_argument("--peripherals", default=",".join(DEFAULT_PERIPHERALS))
    ap.add_argument("--no-umbrella", action="store_true",
                    help="do not write ../pac.hpp including every generated header")
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", help="directory to write <peripheral>.hpp into")
    group.add_argument("--check", help="directory to compare against; exit 1 on a difference")
    args = ap.parse_args()
    if args.check and not os.path.isfile(args.svd):
        print(f"svd2hpp: skipped: no SVD at {args.svd}; the check needs Espressif's "
              "esp32c3.svd there (or pass its path as ESP_BLINK_SVD)")
        return SKIPPED
    try:
        files = generate(args.svd, [p for p in args.peripherals.split(",") if p],
                         umbrella=not args.no_umbrella)
    except SvdError as e:
        print(f"svd2hpp: {e}", file=sys.stderr)
        return 2
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        for name, text in files.items():
            with open(os.path.join(args.out, name), "w", newline="\n") as fh:
                fh.write(text)
        return 0
    stale = []
    for name, text in sorted(files.items()):
        path = os.path.join(args.check, name)
        try:
            with open(path, newline="") as fh:
                committed = fh.read()
        except FileNotFoundError:
            stale.append(name + " (missing)")
            continue
        if committed != text:
            stale.append(name)
            diff = difflib.unified_diff(committed.splitlines(True), text.splitlines(True),
                                        f"committed/{name}", f"fresh/{name}", n=1)
            sys.stderr.writelines(list(diff)[:60])
    extra = sorted(set(os.listdir(args.check)) - {n for n in files if "/" not in n})
    stale += [e + " (not generated)" for e in extra if e.endswith(".hpp")]
    for s in stale:
        print(f"svd2hpp: stale: {s}", file=sys.stderr)
    if not stale:
        print(f"svd2hpp: {len(files)} headers match a fresh generation")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
