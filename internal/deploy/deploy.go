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
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
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

// Refresh runs `pulumi refresh`: the state takes what Azure reports now.
func (s *Stack) Refresh(ctx context.Context) error {
	_, err := s.stack.Refresh(ctx, optrefresh.ProgressStreams(s.Progress))
	return err
}

// SetConfig changes one config value of the stack, as `pulumi config set --path` would.
func (s *Stack) SetConfig(ctx context.Context, path, value string) error {
	return s.stack.SetConfigWithOptions(ctx, path, auto.ConfigValue{Value: value}, &auto.ConfigOptions{Path: true})
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

// requireAdminGroups refuses a stack with no admin group: the identity that runs `up` would be
// the cluster's only admin and the vault's secrets officer, and in CI that is the pipeline's.
func requireAdminGroups(ctx context.Context, t Target, stack string) error {
	config, err := t.Config(ctx)
	if err != nil {
		return err
	}
	var aks struct {
		AdminGroupObjectIDs []string `json:"adminGroupObjectIds"`
	}
	if v, ok := config[Project+":aks"]; ok {
		if err := json.Unmarshal([]byte(v.Value), &aks); err != nil {
			return fmt.Errorf("%s:aks: %w", Project, err)
		}
	}
	if len(aks.AdminGroupObjectIDs) == 0 {
		return fmt.Errorf("stack %s: aks.adminGroupObjectIds is empty, so this pipeline's own identity would become the cluster's only admin; "+
			"name the admins group first: pulumi config set --stack %s --path '%s:aks.adminGroupObjectIds[0]' \"$(az ad group show --group <group> --query id -o tsv)\"",
			stack, stack, Project)
	}
	return nil
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
