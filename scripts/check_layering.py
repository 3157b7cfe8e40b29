#!/usr/bin/env python3
"""Layering check: no library's public headers reach into another library's internals.

Every file under libs/<lib>/include/ may use another library only through its public headers:
it fails the check if it includes <other>/detail/... or names other::detail. (kov uses
flume-lock's public headers; nothing may use kov's or esp-blink's detail/ from outside.)

  scripts/check_layering.py [REPO_ROOT]     exit 0 when clean, 1 with one line per finding
"""
import pathlib
import re
import sys


def libraries(root):
    """{library directory: its include prefix (= C++ namespace)}, e.g. flume-lock: flume_lock."""
    found = {}
    for include_dir in sorted(root.glob("libs/*/include")):
        prefixes = [p.name for p in include_dir.iterdir() if p.is_dir()]
        if prefixes:
            found[include_dir.parent.name] = prefixes
    return found


def findings(root):
    libs = libraries(root)
    for lib, own in libs.items():
        others = [p for other, prefixes in libs.items() if other != lib for p in prefixes]
        if not others:
            continue
        names = "|".join(map(re.escape, others))
        include = re.compile(r'#\s*include\s*[<"](?:%s)/(?:.*/)?detail/' % names)
        namespace = re.compile(r"\b(?:%s)::detail\b" % names)
        for path in sorted((root / "libs" / lib / "include").rglob("*")):
            if not path.is_file():
                continue
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if include.search(line) or namespace.search(line):
                    yield f"{path.relative_to(root)}:{number}: {line.strip()}"


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent)
    bad = list(findings(root.resolve()))
    for line in bad:
        print(line)
    if bad:
        print(f"layering: {len(bad)} use(s) of another library's detail/ in public headers")
        return 1
    print("layering: no public header reaches into another library's detail/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
