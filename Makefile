# dockling: build, try, test and measure. Run as root: containers need it.
GO       ?= go
BIN      := bin
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
# Static binaries: probe is copied into images, and a static dockling starts faster.
GOBUILD  := CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)'
PREFIX   ?= /usr/local

.PHONY: all build docs deps demo test test-unit test-integration test-cgroup2 bench lint clean

all: build

build:
	$(GOBUILD) -o $(BIN)/dockling ./cmd/dockling
	$(GOBUILD) -o $(BIN)/dockling-init ./cmd/dockling-init
	$(GOBUILD) -o $(BIN)/dockling-lessons ./cmd/dockling-lessons
	$(GOBUILD) -o $(BIN)/probe ./cmd/probe

# The command reference (docs/reference/*.md, docs/man/*.1) from the cobra
# tree; a unit test fails when the committed copy is stale.
docs:
	$(GO) run ./cmd/dockling gen-docs --dir docs

# A short guided walk through steps 0-4 on the built-in image (no network).
demo: build
	@bash docs/demo.sh $(BIN)/dockling

# Installs missing test tools with apt (as root), then Go modules.
deps:
	@bash .ci/deps.sh

test: deps lint test-unit test-integration test-cgroup2

# Unit tests need no root and touch nothing outside temporary directories.
test-unit:
	$(GO) test -count=1 ./...
	# Ten seconds of fuzzing the layer extractor, which reads hostile tars.
	$(GO) test -run '^$$' -fuzz FuzzExtract -fuzztime 10s -fuzzminimizetime 10x ./sandbox/image

# Integration tests run real containers: root, real namespaces and mounts.
# Each package checks afterwards that it leaked no mount, process or cgroup.
test-integration:
	$(GO) test -count=1 -p 1 -tags integration -run Integration ./...

# The same cgroup and step tests on a cgroup v2 kernel: Debian's cloud kernel
# booted under qemu (software emulation) with cgroup_no_v1=all. The test
# binaries and dockling are built here and copied into the VM's initramfs.
VM_TESTS := ./sandbox/cgroups ./steps ./sandbox/security
# The --script tests run bash and util-linux inside the VM, as a learner would.
VM_TOOLS := /bin/bash /usr/bin/unshare /usr/bin/nsenter /usr/bin/mount /usr/bin/umount /usr/sbin/pivot_root
VM_RUN   := Integration(DefaultCap|CapAdd|MountNeeds|Masked|Setuid|DiskNode|Doctor|Step[0-4]|Escape|Script|ExitCode|Cgroup|OOM|Pids|CPU|Limits|Load|Destroy|Mode)
test-cgroup2: build
	rm -rf $(BIN)/vm && mkdir -p $(BIN)/vm
	for p in $(VM_TESTS); do CGO_ENABLED=0 $(GO) test -c -tags integration -o $(BIN)/vm/ $$p || exit 1; done
	bash .ci/cgroup2-vm/run.sh -t 600 $(BIN)/vm/*.test $(BIN)/dockling $(BIN)/dockling-init $(BIN)/probe $(BIN)/dockling-lessons $(VM_TOOLS) -- \
	  sh -c 'cd /tmp && for t in /dockling/bin/*.test; do echo "== $$t"; DOCKLING_TEST_BIN=/dockling/bin $$t -test.count=1 -test.v -test.run "$(VM_RUN)" || exit 1; done'

bench: build
	$(GO) run ./cmd/dockling-bench -bin $(BIN)
	# Unpacking a ~100 MB image: our safe extractor against GNU tar.
	@$(GO) test -run '^$$' -bench BenchmarkExtract -benchtime 3x ./sandbox/image > $(BIN)/bench-extract.txt || { cat $(BIN)/bench-extract.txt; exit 1; }
	@grep '^Benchmark' $(BIN)/bench-extract.txt
	@awk '/^BenchmarkExtract\// { split($$1, p, "/"); sub(/-[0-9]+$$/, "", p[2]); ns[p[2]] = $$3 } \
	  END { if (ns["tar-x"] > 0) printf "extract / tar -x:   %.2fx (safe untar alone)\n", ns["extract"] / ns["tar-x"]; \
	        if (ns["tar-xz"] > 0) printf "import / tar -xzf:  %.2fx (gunzip, two sha256, blob copy, untar)\n", ns["import"] / ns["tar-xz"] }' $(BIN)/bench-extract.txt

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags integration ./...
	shellcheck $$(git ls-files '*.sh' '.ci/run')

clean:
	rm -rf $(BIN)
