# Offline runs and tests need the Pulumi CLI; `make pulumi` builds the pinned version into bin/
# when none is on PATH (about 3 minutes and 2.5 GB of memory the first time, then cached).
PULUMI_VERSION := v3.274.1
STACK ?= dev

.PHONY: pulumi preview-deps test-deps preview test topology policy-pack mutants deploy deploy-preview destroy verify

pulumi:
	@if [ ! -x bin/pulumi ] && command -v pulumi >/dev/null 2>&1; then echo "using $$(command -v pulumi)"; \
	else $(MAKE) --no-print-directory bin/pulumi; fi

bin/pulumi: tools/pulumi/go.mod tools/pulumi/go.sum
	cd tools/pulumi && go build \
		-ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(PULUMI_VERSION)" \
		-o ../../bin/pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

# Debian packages the targets need, as command:package: Graphviz renders the topology picture;
# the DNS tests run BIND 9, its checker, dig and cloud-init's schema check. Installed when
# missing and root; otherwise the target says what to install.
PREVIEW_DEPS := dot:graphviz
TEST_DEPS := $(PREVIEW_DEPS) named:bind9 named-checkconf:bind9-utils dig:bind9-dnsutils cloud-init:cloud-init

define apt-install
	@missing=""; for pair in $(1); do command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "missing Debian packages:$$missing (apt-get install$$missing)" >&2; exit 1; fi; \
	fi
endef

preview-deps: policy-pack
	$(call apt-install,$(PREVIEW_DEPS))

# The policy pack (package policy) as the engine runs it: its binary and PulumiPolicy.yaml.
policy-pack:
	go build -o bin/policy/hubspoke-policy ./cmd/policy
	cp policy/PulumiPolicy.yaml bin/policy/

test-deps: pulumi policy-pack bin/actionlint
	$(call apt-install,$(TEST_DEPS))

# actionlint checks the GitHub workflows; pinned, built from the Go module proxy.
bin/actionlint:
	GOBIN=$(CURDIR)/bin go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

# Preview and up of one stack through the real engine against a mock Azure, then the exported
# state, dependency graph, topology picture and deploy-time model in out/$(STACK)/.
preview: pulumi preview-deps
	go run ./cmd/offline -stack $(STACK)

test: pulumi test-deps
	go test ./...

# The one way to deploy a stack to Azure (cmd/deploy), here, in both GitHub workflows and in Azure
# DevOps: the Kubernetes-version check, a preview with the policy pack and the replacement guard,
# then up with the policy pack. STACK may carry a Pulumi Cloud organization (my-org/dev).
deploy: pulumi policy-pack
	go run ./cmd/deploy -stack $(STACK)

# The same, stopped after the preview (pull requests); the engine's output also goes to out/preview.txt.
deploy-preview: pulumi policy-pack
	mkdir -p out
	go run ./cmd/deploy -stack $(STACK) -preview -summary out/preview.txt

# The mutation check: each one-line defect of tests/mutants/*.yaml applied to a copy of the tree,
# its tests run, and every defect must be caught (docs/testing.md). Slow: not part of make test.
mutants: pulumi test-deps
	go run ./cmd/mutants

# Regenerates the committed topology picture from the dev stack.
topology: pulumi preview-deps
	go run ./cmd/offline -stack dev >/dev/null
	mkdir -p docs
	cp out/dev/topology.dot out/dev/topology.svg docs/

# After a deployment: the article's claims checked on the deployed stack through Azure's run
# commands (cmd/verify), each with its evidence; fails unless all pass.
verify:
	go run ./cmd/verify -stack $(STACK)

# Tears a stack down: a preview of the destroy, which refuses while anything is protected (prod's
# protect: true) and deletes nothing, then the destroy.
destroy: pulumi
	go run ./cmd/deploy -stack $(STACK) -destroy
