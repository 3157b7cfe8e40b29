#!/usr/bin/env python3
"""Compiles the C++ examples of the documentation, so a documented example cannot rot.

Every ```cpp block with an `int main(` in the given Markdown files is a complete example: it
is compiled (syntax and semantics, no link) with the project's compiler and include paths.
Other blocks are fragments that lean on the surrounding text; they are counted, not compiled.

  check.py --cxx g++ --include DIR... --docs FILE...
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile


def examples(path):
    text = open(path, encoding="utf-8").read()
    for match in re.finditer(r"```cpp\n(.*?)```", text, re.S):
        line = text.count("\n", 0, match.start()) + 2
        yield line, match.group(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cxx", required=True)
    parser.add_argument("--include", nargs="+", default=[])
    parser.add_argument("--docs", nargs="+", required=True)
    args = parser.parse_args()
    compiled = skipped = 0
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for doc in args.docs:
            for line, code in examples(doc):
                if "int main(" not in code:
                    skipped += 1
                    continue
                source = os.path.join(work, "example.cpp")
                with open(source, "w", encoding="utf-8") as f:
                    f.write(f'#line {line} "{doc}"\n{code}')
                command = [args.cxx, "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra"]
                command += [f"-I{d}" for d in args.include] + [source]
                result = subprocess.run(command, capture_output=True, text=True, check=False)
                compiled += 1
                if result.returncode != 0:
                    failures.append(f"{doc}:{line}:\n{result.stderr}")
    for failure in failures:
        print(failure)
    print(f"doc examples: {compiled} compiled, {len(failures)} failed, {skipped} fragments skipped")
    return 1 if failures or compiled == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
