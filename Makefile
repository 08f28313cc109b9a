# `make run` and `make test` do all set-up on a fresh Debian machine (as root, or with sudo).
SWIFT ?= swift
DEBS := libhts-dev zlib1g-dev libopenblas-dev libbigwig-dev samtools tabix bedtools
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PLRP := .build/release/plrp

.PHONY: deps build run test bench clean

# Installs only what is missing, so repeated runs cost a dpkg query each.
deps:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build -c release

# The main job on the shipped data (until `plrp run` exists): the default promoter model explained with PLRP-λ over
# 1 Mb of dm3 chr2R, a model that never saw chr2R, then motifs in its relevance matched against JASPAR insects.
run: build
	$(PLRP) explain --model data/models/default.safetensors --fasta data/genome/dm3_chr2R.fa.gz \
	  --region chr2R:1,000,001-2,000,000 --step 150 --prune 0.5 --threads 2 -o results/explain
	$(PLRP) motifs --input results/explain --database data/motifs/JASPAR2026_CORE_insects.meme -o results/motifs

# The whole suite; the last line is "N passed, N failed".
test: deps
	$(SWIFT) build --build-tests
	@$(SWIFT) test --skip-build > .build/test.log 2>&1; status=$$?; \
	  cat .build/test.log; scripts/test_summary.sh .build/test.log; exit $$status

bench: build
	benchmarks/io.sh
	benchmarks/motifs.sh

clean:
	rm -rf .build results
