// Package deploy is the one way this project deploys a stack, the same on a workstation, in CI and
// offline: the Kubernetes-version check, a preview with the policy pack and the replacement guard,
// then `up` with the policy pack. cmd/deploy runs it against Azure; the offline engine run
// (cmd/offline, make preview) runs it against the offline Azure.
package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/hubspoke/private-aks/internal/replaceguard"
)

// Project is the Pulumi project name, as in Pulumi.yaml.
const Project = "hubspoke"

// Stack is a Pulumi stack driven through the Automation API with the policy pack on every preview
// and up.
type Stack struct {
	stack auto.Stack
	// PolicyPack is the pack's binary (make policy-pack); empty runs without it.
	PolicyPack string
	// Progress gets the engine's own output.
	Progress io.Writer
}

// NewStack wraps an Automation API stack.
func NewStack(st auto.Stack, policyPack string, progress io.Writer) *Stack {
	if progress == nil {
		progress = io.Discard
	}
	return &Stack{stack: st, PolicyPack: policyPack, Progress: progress}
}

// Preview runs `pulumi preview` and returns the planned operations by kind.
func (s *Stack) Preview(ctx context.Context) (map[apitype.OpType]int, error) {
	changes, _, err := s.PreviewSteps(ctx)
	return changes, err
}

// PreviewSteps runs `pulumi preview` and returns the planned operations by kind and every step,
// with the properties that force each replacement.
func (s *Stack) PreviewSteps(ctx context.Context) (map[apitype.OpType]int, []replaceguard.Step, error) {
	stream := make(chan events.EngineEvent)
	var steps []replaceguard.Step
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range stream {
			if pre := e.ResourcePreEvent; pre != nil {
				steps = append(steps, replaceguard.Step{Op: string(pre.Metadata.Op), URN: pre.Metadata.URN, ReplaceReasons: pre.Metadata.Keys})
			}
		}
	}()
	options := []optpreview.Option{optpreview.ProgressStreams(s.Progress), optpreview.EventStreams(stream), optpreview.Diff()}
	if s.PolicyPack != "" {
		options = append(options, optpreview.PolicyPacks(s.PolicyPack))
	}
	res, err := s.stack.Preview(ctx, options...)
	if err != nil {
		// A preview that fails before the engine starts never closes the stream: do not wait.
		return res.ChangeSummary, nil, err
	}
	<-done // after a preview, the stream is closed once every event is delivered
	return res.ChangeSummary, steps, nil
}

// Up runs `pulumi up`.
func (s *Stack) Up(ctx context.Context) (auto.UpResult, error) {
	options := []optup.Option{optup.ProgressStreams(s.Progress)}
	if s.PolicyPack != "" {
		options = append(options, optup.PolicyPacks(s.PolicyPack))
	}
	return s.stack.Up(ctx, options...)
}

// Destroy previews the destroy, then runs it. The preview fails when a resource is protected
// (the stack's protect: true): without it, the engine would delete everything unprotected before
// it reached the first protected resource, and leave the stack half destroyed.
func (s *Stack) Destroy(ctx context.Context) error {
	if _, err := s.stack.PreviewDestroy(ctx, optdestroy.ProgressStreams(s.Progress)); err != nil {
		return fmt.Errorf("nothing was deleted: %w", err)
	}
	_, err := s.stack.Destroy(ctx, optdestroy.ProgressStreams(s.Progress))
	return err
}

// Refresh runs `pulumi refresh`: the state takes what Azure reports now.
func (s *Stack) Refresh(ctx context.Context) error {
	_, err := s.stack.Refresh(ctx, optrefresh.ProgressStreams(s.Progress))
	return err
}

// SetConfig changes one config value of the stack, as `pulumi config set --path` would.
func (s *Stack) SetConfig(ctx context.Context, path, value string) error {
	return s.stack.SetConfigWithOptions(ctx, path, auto.ConfigValue{Value: value}, &auto.ConfigOptions{Path: true})
}

// Outputs reads the stack's outputs (`pulumi stack output --json`); none before the first up.
func (s *Stack) Outputs(ctx context.Context) (auto.OutputMap, error) {
	return s.stack.Outputs(ctx)
}

// Config reads the stack's whole configuration through the CLI (`pulumi config --json`).
func (s *Stack) Config(ctx context.Context) (auto.ConfigMap, error) {
	return s.stack.GetAllConfig(ctx)
}

// Export returns the state as `pulumi stack export` writes it.
func (s *Stack) Export(ctx context.Context) (apitype.UntypedDeployment, error) {
	return s.stack.Export(ctx)
}

// Target is what a deployment runs against: a Stack, or the offline engine run's session.
type Target interface {
	PreviewSteps(ctx context.Context) (map[apitype.OpType]int, []replaceguard.Step, error)
	Up(ctx context.Context) (auto.UpResult, error)
	Config(ctx context.Context) (auto.ConfigMap, error)
	Outputs(ctx context.Context) (auto.OutputMap, error)
}

// Options of one deployment.
type Options struct {
	Stack string
	// CheckVersion fails when AKS no longer offers the stack's Kubernetes version; nil when it
	// cannot be asked (the offline run).
	CheckVersion func(ctx context.Context) error
	PreviewOnly  bool // stop after the preview and the guard (pull requests)
	// NonInteractive is a run nobody watches (CI): it refuses an up that would make the
	// pipeline's own identity the cluster's only admin.
	NonInteractive bool
	AllowReplace   bool      // the replacement guard lets replacements through
	Report         io.Writer // the summary of each step
}

// Run deploys: the version check, the preview with the policy pack (the target's), the
// replacement guard, and unless PreviewOnly, `up`.
func Run(ctx context.Context, t Target, o Options) (*auto.UpResult, error) {
	if o.Report == nil {
		o.Report = io.Discard
	}
	if o.CheckVersion != nil {
		if err := o.CheckVersion(ctx); err != nil {
			return nil, err
		}
	}
	if err := checkUpgradeStep(ctx, t); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Report, "== pulumi preview of stack %q, with the policy pack\n", o.Stack)
	changes, steps, err := t.PreviewSteps(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Report, "Preview: %s\n", Summarize(changes))
	if !o.AllowReplace {
		if err := replaceguard.Check(steps); err != nil {
			return nil, err
		}
	}
	if o.PreviewOnly {
		return nil, nil
	}
	if o.NonInteractive {
		if err := requireAdminGroups(ctx, t, o.Stack); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(o.Report, "== pulumi up of stack %q, with the policy pack\n", o.Stack)
	up, err := t.Up(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Report, "Up: %s\n", Summarize(*up.Summary.ResourceChanges))
	return &up, nil
}

// checkUpgradeStep refuses a Kubernetes version more than one minor above the one the cluster
// runs (the stack's kubernetesVersion output), or below it: AKS upgrades the control plane one
// minor version at a time and never downgrades (Microsoft Learn, "Upgrade options for AKS
// clusters", checked 2026-12-06). A stack not deployed yet has no such output.
func checkUpgradeStep(ctx context.Context, t Target) error {
	outputs, err := t.Outputs(ctx)
	if err != nil {
		return err
	}
	running, ok := outputs["kubernetesVersion"].Value.(string)
	if !ok {
		return nil
	}
	aks, err := readAKS(ctx, t)
	if err != nil {
		return err
	}
	from, to := minor(running), minor(aks.KubernetesVersion)
	switch {
	case from < 0 || to < 0:
		return fmt.Errorf("aks.kubernetesVersion %s or the running %s is not MAJOR.MINOR[.PATCH]", aks.KubernetesVersion, running)
	case to > from+1:
		return fmt.Errorf("aks.kubernetesVersion %s is more than one minor version above the %s the cluster runs: AKS upgrades one minor version at a time; deploy 1.%d first",
			aks.KubernetesVersion, running, from+1)
	case to < from:
		return fmt.Errorf("aks.kubernetesVersion %s is below the %s the cluster runs: AKS does not downgrade", aks.KubernetesVersion, running)
	}
	return nil
}

// minor is the minor version of a 1.MINOR[.PATCH] version, -1 when it is not one.
func minor(version string) int {
	parts := strings.Split(version, ".")
	if len(parts) < 2 || len(parts) > 3 || parts[0] != "1" {
		return -1
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return -1
	}
	return n
}

// requireAdminGroups refuses a stack with no admin group: the identity that runs `up` would be
// the cluster's only admin and the vault's secrets officer, and in CI that is the pipeline's.
func requireAdminGroups(ctx context.Context, t Target, stack string) error {
	aks, err := readAKS(ctx, t)
	if err != nil {
		return err
	}
	if len(aks.AdminGroupObjectIDs) == 0 {
		return fmt.Errorf("stack %s: aks.adminGroupObjectIds is empty, so this pipeline's own identity would become the cluster's only admin; "+
			"name the admins group first: pulumi config set --stack %s --path '%s:aks.adminGroupObjectIds[0]' \"$(az ad group show --group <group> --query id -o tsv)\"",
			stack, stack, Project)
	}
	return nil
}

// aksConfig is what a deployment reads of the stack's aks key.
type aksConfig struct {
	KubernetesVersion   string   `json:"kubernetesVersion"`
	AdminGroupObjectIDs []string `json:"adminGroupObjectIds"`
}

// readAKS reads the stack's aks key through the CLI (`pulumi config --json`); empty when unset.
func readAKS(ctx context.Context, t Target) (aksConfig, error) {
	var aks aksConfig
	config, err := t.Config(ctx)
	if err != nil {
		return aks, err
	}
	if v, ok := config[Project+":aks"]; ok {
		if err := json.Unmarshal([]byte(v.Value), &aks); err != nil {
			return aks, fmt.Errorf("%s:aks: %w", Project, err)
		}
	}
	return aks, nil
}

// Summarize prints planned or applied operations by kind, such as "3 create, 1 same".
func Summarize[Op ~string](changes map[Op]int) string {
	ops := make([]string, 0, len(changes))
	for op, n := range changes {
		ops = append(ops, fmt.Sprintf("%d %s", n, op))
	}
	sort.Strings(ops)
	return strings.Join(ops, ", ")
}
