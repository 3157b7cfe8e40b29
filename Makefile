# The front door. See README.md.
SUITE ?=
QUICK ?=

.PHONY: all deps demo test check format tidy bench mutate asm fuzz fuzz-coverage clean docs package dist release

all: check

deps:
	@bash scripts/deps.sh

demo: deps
	@bash scripts/demo.sh

test: deps
	@bash scripts/gate.sh

check:
	cmake --preset dev
	cmake --build --preset dev -j 2
	ctest --preset dev -L unit -j 2

# Formats every C/C++ source in place (scripts/format.sh --check is the gate's check).
format:
	@bash scripts/format.sh --fix

# clang-tidy over the libraries' sources with build/dev's compile database (run `make check` first).
tidy:
	@bash scripts/tidy.sh build/dev

bench: deps
	@bash bench/run.sh "$(SUITE)" "$(QUICK)"

mutate: deps
	@python3 scripts/mutate.py $(if $(LIB),--lib $(LIB))

# libFuzzer targets: each (or TARGET="name ...") for SECONDS (default 60) or RUNS executions,
# whichever ends first; see scripts/fuzz.sh.
fuzz: deps
	@bash scripts/fuzz.sh "$(TARGET)" "$(SECONDS)" "$(RUNS)"

# Line coverage of each fuzzed component by its corpus (llvm-cov), as a table; see the script.
fuzz-coverage: deps
	@bash scripts/fuzz_coverage.sh "$(TARGET)"

asm:
	@bash libs/flume-lock/tools/asm.sh

# The API reference (Doxygen, warnings are errors) into build/docs/html (needs build/dev configured).
docs:
	cmake --preset dev >/dev/null
	@bash scripts/docs.sh build/dev

# Debian packages (runtime and -dev per library) from the shared preset, checked by lintian.
package:
	@bash scripts/package.sh

# The source tarball of HEAD: build/trio-<version>.tar.gz.
dist:
	@bash scripts/dist.sh

# make release VERSION=x.y.z [DRY_RUN=1] (docs/releasing.md).
release:
	@DRY_RUN=$(DRY_RUN) bash scripts/release.sh "$(VERSION)"

clean:
	rm -rf build
