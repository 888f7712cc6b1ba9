# capsim: two commands on a fresh machine.
#   make run    install missing system libraries, build release, run the default scenario
#   make test   install missing system libraries, run the test suite
SWIFT    ?= swift
SCENARIO ?= scenarios/mirai-roadmap.yaml
CAPSIM   := .build/release/capsim

.PHONY: run test test-asan check baselines deps build bench clean

run: build
	$(CAPSIM) run $(SCENARIO)

build: deps
	$(SWIFT) build -c release --product capsim

test: deps
	$(SWIFT) test

# The tests again under the address sanitizer (its own build directory). Leak reports are off:
# XCTest's runner and Foundation's Process leak by design; memory errors still fail.
test-asan: deps
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --scratch-path .build-asan

# The CI gate: every scenario against its baseline in baselines/, and its gates.
check: build
	$(CAPSIM) check scenarios/*.yaml --baseline baselines

# Re-record the baselines after an intended change (review the diff before committing).
baselines: build
	$(CAPSIM) baseline scenarios/*.yaml --dir baselines

# System libraries (libgsl-dev, libsqlite3-dev, libpq-dev) through apt, only when missing.
deps:
	@.ci/install-deps

clean:
	rm -rf .build .build-asan

# Benchmarks (ordo-one/benchmark) live in a package of their own.
bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-directory .benchmarkBaselines benchmark
