# The front door. See README.md.
SUITE ?=
QUICK ?=

.PHONY: all deps demo test check format tidy bench mutate asm fuzz clean

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

# libFuzzer targets: each (or TARGET=name) for SECONDS (default 60), see scripts/fuzz.sh.
fuzz: deps
	@bash scripts/fuzz.sh "$(TARGET)" "$(SECONDS)"

asm:
	@bash libs/flume-lock/tools/asm.sh

clean:
	rm -rf build
