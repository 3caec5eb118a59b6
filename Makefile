# Offline runs and tests need the Pulumi CLI; `make pulumi` builds the pinned version into bin/
# when none is on PATH (about 3 minutes and 2.5 GB of memory the first time, then cached).
PULUMI_VERSION := v3.274.1
STACK ?= dev

.PHONY: pulumi graphviz preview test topology

pulumi:
	@if [ ! -x bin/pulumi ] && command -v pulumi >/dev/null 2>&1; then echo "using $$(command -v pulumi)"; \
	else $(MAKE) --no-print-directory bin/pulumi; fi

bin/pulumi: tools/pulumi/go.mod tools/pulumi/go.sum
	cd tools/pulumi && go build \
		-ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(PULUMI_VERSION)" \
		-o ../../bin/pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

# Graphviz renders the topology picture; installed from Debian's packages when missing and root.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
		else echo "Graphviz is missing: install it (apt-get install graphviz, brew install graphviz)" >&2; exit 1; fi; }

# Preview and up of one stack through the real engine against a mock Azure, then the exported
# state, dependency graph, topology picture and deploy-time model in out/$(STACK)/.
preview: pulumi graphviz
	go run ./cmd/offline -stack $(STACK)

test: pulumi graphviz
	go test ./...

# Regenerates the committed topology picture from the dev stack.
topology: pulumi graphviz
	go run ./cmd/offline -stack dev -quiet >/dev/null
	mkdir -p docs
	cp out/dev/topology.dot out/dev/topology.svg docs/
