# pgrest: thin wrapper around meson. `make demo` and `make test` work on a fresh Debian 12 machine.
BUILD    ?= build
SANITIZE ?=
MESON_OPTS ?=
ifneq ($(SANITIZE),)
BUILD := build-san
# -fno-sanitize-recover=all: a UBSan finding aborts the process (and so fails its test) instead of
# printing a line and carrying on.
MESON_OPTS += -Db_sanitize=$(SANITIZE) -Db_lundef=false -Dbuildtype=debugoptimized \
  -Dcpp_args=-fno-sanitize-recover=all -Dc_args=-fno-sanitize-recover=all
endif

# Everything a fresh Debian 12 machine lacks; `make deps` installs what is missing (as root).
DEB_PACKAGES := make g++ meson ninja-build pkg-config python3 libpq-dev postgresql-server-dev-15 libfcgi-dev libcjson-dev \
  libjwt-dev libssl-dev libcurl4-openssl-dev zip unzip libboost-test-dev postgresql-15 \
  postgresql-client-15 pgbouncer lighttpd curl wrk procps strace chromium apache2 \
  libapache2-mod-fcgid nginx-light fcgiwrap spawn-fcgi clang libclang-rt-14-dev valgrind

.PHONY: all build deps test ci-test soak fuzz unit integration demo demo-stop serve bench clean print-packages lambda-package

all: build

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

print-packages:
	@echo $(DEB_PACKAGES)

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	command -v node >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Unit tests, then integration tests against a real PostgreSQL + PgBouncer + lighttpd stack that
# the harness starts in a temporary directory and always stops. Last line: "N passed, N failed".
test: deps build lambda-package
	BUILD=$(BUILD) SANITIZE=$(SANITIZE) tests/run_all.sh

# What CI runs (.ci/run): make test, then make test SANITIZE=address,undefined (ASan + UBSan,
# sanitizer reports collected from every process). Last line: the two passes' "N passed, N failed".
ci-test:
	tests/ci_test.sh

# A long mixed workload (wrk through lighttpd, 4 FastCGI workers) with row accounting and worker
# RSS checks; not part of make test. SOAK_SECONDS (default 600) sets its length.
soak: deps build
	BUILD=$(BUILD) tests/soak/run.sh

# libFuzzer targets (tests/fuzz/), built with clang in build-fuzz: each runs FUZZ_SECONDS (600),
# FUZZ_JOBS at a time (1), FUZZ_TARGETS selects (all six). Exits non-zero if any target crashed.
FUZZ_SECONDS ?= 600
FUZZ_JOBS ?= 1
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run.sh fuzz

# The AWS Lambda deployment zip ($(BUILD)/pgrest-lambda.zip): bootstrap, its loader and libraries,
# and the snapshot named by LAMBDA_SNAPSHOT (or PGRST_SNAPSHOT) if that file exists.
LAMBDA_SNAPSHOT ?= $(PGRST_SNAPSHOT)
lambda-package: build
	lambda/package.sh $(BUILD) $(BUILD)/pgrest-lambda.zip $(wildcard $(LAMBDA_SNAPSHOT))

demo: deps build
	tests/harness.sh demo

demo-stop:
	tests/harness.sh demo-stop

# Serve an existing database: PGRST_DB_URI=... PGRST_DB_SCHEMAS=... PGRST_DB_ANON_ROLE=... make serve
serve: build
	tests/harness.sh serve

bench: deps build lambda-package
	ninja -C $(BUILD) pgrest_dynamic $$(grep -q cgi_floor_lean $(BUILD)/build.ninja && echo cgi_floor_lean)
	BUILD=$(BUILD) tests/bench/run.sh

clean:
	rm -rf build build-san build-fuzz
