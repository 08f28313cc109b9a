# `make run` and `make test` do all set-up on a fresh Debian machine (as root, or with sudo).
SWIFT ?= swift
DEBS := libhts-dev zlib1g-dev libdeflate-dev libopenblas-dev libbigwig-dev samtools tabix bedtools python3-venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PLRP := .build/release/plrp

.PHONY: sanitize-address sanitize-thread deps build run test test-cluster bench fuzz sanitize clean

# Installs only what is missing, so repeated runs cost a dpkg query each.
deps:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# The Swift runtime and Foundation linked in: the binary runs on machines without Swift (cluster nodes) and starts in
# 17 ms instead of 31 ms, which is a tenth of a 4,096-window `plrp predict`.
build: deps
	$(SWIFT) build -c release --static-swift-stdlib

# The whole pipeline on the shipped data: the default promoter model explained with PLRP-λ over 1 Mb of dm3 chr2R (a
# chromosome it never saw in training), tracks, seqlets, motifs and JASPAR insect matches, into results/.
run: build
	$(PLRP) run

# Snakemake for the workflow test (pipelines/), in its own virtual environment; nothing else comes from PyPI.
SNAKEMAKE := .venv-snakemake/bin/snakemake
$(SNAKEMAKE):
	python3 -m venv .venv-snakemake
	.venv-snakemake/bin/pip install -q snakemake==9.27.1

# The whole suite; the last line is "N passed, N failed".
test: deps $(SNAKEMAKE)
	$(SWIFT) build --build-tests
	@$(SWIFT) test --skip-build > .build/test.log 2>&1; status=$$?; \
	  cat .build/test.log; scripts/test_summary.sh .build/test.log; exit $$status

# A real single-node SLURM cluster (Debian's slurm-wlm and munge, started in a temporary folder and stopped at the end)
# running pipelines/ through Snakemake's SLURM executor plugin; not part of `make test`. As root. The job-step plugin
# is held at 0.6.0: 0.6.1 clears every SLURM_* variable before the job's srun, SLURM_CONF included, and the test
# cluster's slurm.conf is not in /etc/slurm.
SNAKEMAKE_CLUSTER := .venv-cluster/bin/snakemake
$(SNAKEMAKE_CLUSTER):
	python3 -m venv .venv-cluster
	.venv-cluster/bin/pip install -q snakemake==9.27.1 snakemake-executor-plugin-slurm==2.8.0 \
	  snakemake-executor-plugin-slurm-jobstep==0.6.0

test-cluster: build $(SNAKEMAKE_CLUSTER)
	scripts/cluster/install_slurm.sh
	scripts/cluster/test_cluster.sh

bench: build
	[ -x .venv/bin/python ] || scripts/dev_env.sh
	benchmarks/run.sh
	benchmarks/motifs.sh
	benchmarks/deeplift.sh
	benchmarks/query.sh
	benchmarks/tracks.sh
	benchmarks/track_motifs.sh

# libFuzzer over every parser of untrusted input (FUZZ_SECONDS each, two at a time); crashes land in fuzz/crashes/.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS := region bed narrowpeak safetensors architecture onnx meme
fuzz: deps
	$(SWIFT) build --product plrp-fuzz --build-path .build-fuzz -Xswiftc -sanitize=fuzzer,address \
	  -Xswiftc -DPLRP_FUZZ -Xswiftc -parse-as-library
	printf '%s\n' $(FUZZ_TARGETS) | xargs -P 2 -I{} scripts/fuzz_one.sh {} $(FUZZ_SECONDS)

# The whole suite under AddressSanitizer, then ThreadSanitizer (instrumented plrp binaries included); slow.
sanitize: sanitize-address sanitize-thread

sanitize-address: deps $(SNAKEMAKE)
	$(SWIFT) build --build-tests --build-path .build-asan -Xswiftc -sanitize=address
	@LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan_suppressions.txt \
	  $(SWIFT) test --skip-build --build-path .build-asan > .build-asan/test.log 2>&1; status=$$?; \
	  scripts/test_summary.sh .build-asan/test.log; grep -m5 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer' .build-asan/test.log; exit $$status

sanitize-thread: deps $(SNAKEMAKE)
	$(SWIFT) build --build-tests --build-path .build-tsan -Xswiftc -sanitize=thread
	@$(SWIFT) test --skip-build --build-path .build-tsan > .build-tsan/test.log 2>&1; status=$$?; \
	  scripts/test_summary.sh .build-tsan/test.log; grep -m5 'WARNING: ThreadSanitizer' .build-tsan/test.log; exit $$status

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan results
