// Package offline runs the program through the real Pulumi engine with no cloud: the Automation
// API runs stack.Program in-process, a local file backend keeps the state, and a mock
// azure-native provider, served in-process, answers like Azure with placeholder values.
package offline

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/replaceguard"
	"github.com/hubspoke/private-aks/stack"
)

// Project is the Pulumi project name, as in Pulumi.yaml.
const Project = "hubspoke"

// Options says where a session finds the project and keeps its state.
type Options struct {
	RepoRoot string // holds Pulumi.yaml and Pulumi.<stack>.yaml
	Stack    string
	StateDir string    // the session's local backend and work folder; the caller removes it
	Progress io.Writer // the engine's progress output; nil discards it
	CLI      string    // the Pulumi CLI; empty finds it with FindCLI(RepoRoot)
	// PolicyPack is optional: the policy pack's binary, run on every preview and up.
	PolicyPack string
	// Program is optional: what runs instead of stack.Program (a test's broken variant).
	Program pulumi.RunFunc
	// Azure sets how the offline Azure behaves: time scale, injected failures, policy tags.
	Azure AzureOptions
}

// Session is one stack in a local backend with the mock provider running.
type Session struct {
	opts    Options
	program pulumi.RunFunc
	azure   *azure
	stack   auto.Stack
	env     map[string]string
	workDir string
	cli     string
}

// Open starts the mock provider and creates (or selects) the stack. The provider stops when
// ctx ends. The stack file is copied into a work folder, because creating a stack writes its
// encryption salt into Pulumi.<stack>.yaml and the committed file must not change.
func Open(ctx context.Context, opts Options) (*Session, error) {
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	cli := opts.CLI
	if cli == "" {
		var err error
		if cli, err = FindCLI(opts.RepoRoot); err != nil {
			return nil, err
		}
	}
	workDir := filepath.Join(opts.StateDir, "project")
	backendDir := filepath.Join(opts.StateDir, "backend")
	for _, dir := range []string{workDir, backendDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	for _, file := range []string{"Pulumi.yaml", "Pulumi." + opts.Stack + ".yaml"} {
		data, err := os.ReadFile(filepath.Join(opts.RepoRoot, file))
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", opts.Stack, err)
		}
		if err := os.WriteFile(filepath.Join(workDir, file), data, 0o644); err != nil {
			return nil, err
		}
	}
	offlineAzure := newAzure(opts.Azure)
	debugProviders, err := startMockProvider(ctx, offlineAzure)
	if err != nil {
		return nil, err
	}
	env := map[string]string{
		"PULUMI_BACKEND_URL":                          "file://" + backendDir,
		"PULUMI_CONFIG_PASSPHRASE":                    "offline-run-placeholder-passphrase",
		"PULUMI_HOME":                                 filepath.Join(opts.StateDir, "home"),
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DEBUG_PROVIDERS":                      debugProviders,
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
	}
	command, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: filepath.Dir(filepath.Dir(cli))})
	if err != nil {
		return nil, err
	}
	program := opts.Program
	if program == nil {
		program = stack.Program
	}
	st, err := auto.UpsertStackInlineSource(ctx, opts.Stack, Project, program,
		auto.WorkDir(workDir), auto.EnvVars(env), auto.Pulumi(command))
	if err != nil {
		return nil, err
	}
	return &Session{opts: opts, program: program, azure: offlineAzure, stack: st, env: env, workDir: workDir, cli: cli}, nil
}

// FindCLI prefers the CLI built into the repository's bin/ (make pulumi), then PATH.
func FindCLI(repoRoot string) (string, error) {
	local := filepath.Join(repoRoot, "bin", "pulumi")
	if _, err := os.Stat(local); err == nil {
		return filepath.Abs(local)
	}
	path, err := exec.LookPath("pulumi")
	if err != nil {
		return "", fmt.Errorf("no Pulumi CLI: run `make pulumi` (builds bin/pulumi) or install it")
	}
	return path, nil
}

// Preview runs `pulumi preview` and returns the planned operations by kind.
func (s *Session) Preview(ctx context.Context) (map[apitype.OpType]int, error) {
	changes, _, err := s.PreviewSteps(ctx)
	return changes, err
}

// PreviewSteps runs `pulumi preview` and returns the planned operations by kind and every step,
// with the properties that force each replacement.
func (s *Session) PreviewSteps(ctx context.Context) (map[apitype.OpType]int, []replaceguard.Step, error) {
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
	options := []optpreview.Option{optpreview.ProgressStreams(s.opts.Progress), optpreview.EventStreams(stream)}
	if s.opts.PolicyPack != "" {
		options = append(options, optpreview.PolicyPacks(s.opts.PolicyPack))
	}
	res, err := s.stack.Preview(ctx, options...)
	if err != nil {
		// A preview that fails before the engine starts never closes the stream: do not wait.
		return res.ChangeSummary, nil, err
	}
	<-done // after a preview, the stream is closed once every event is delivered
	return res.ChangeSummary, steps, nil
}

// Refresh runs `pulumi refresh`: the state takes what Azure reports now.
func (s *Session) Refresh(ctx context.Context) error {
	_, err := s.stack.Refresh(ctx, optrefresh.ProgressStreams(s.opts.Progress))
	return err
}

// Up runs `pulumi up` into the local state. The offline Azure first learns the program's
// dependency graph for the stack's current configuration.
func (s *Session) Up(ctx context.Context) (auto.UpResult, error) {
	config, err := s.Config(ctx)
	if err != nil {
		return auto.UpResult{}, err
	}
	s.azure.begin(ProgramGraph(s.program, s.opts.Stack, config))
	options := []optup.Option{optup.ProgressStreams(s.opts.Progress)}
	if s.opts.PolicyPack != "" {
		options = append(options, optup.PolicyPacks(s.opts.PolicyPack))
	}
	return s.stack.Up(ctx, options...)
}

// SetConfig changes one config value of the stack, as `pulumi config set --path` would.
func (s *Session) SetConfig(ctx context.Context, path, value string) error {
	return s.stack.SetConfigWithOptions(ctx, path, auto.ConfigValue{Value: value}, &auto.ConfigOptions{Path: true})
}

// Config reads the stack's whole configuration through the CLI (`pulumi config --json`).
func (s *Session) Config(ctx context.Context) (auto.ConfigMap, error) {
	return s.stack.GetAllConfig(ctx)
}

// Export returns the state as `pulumi stack export` writes it.
func (s *Session) Export(ctx context.Context) (apitype.UntypedDeployment, error) {
	return s.stack.Export(ctx)
}

// Graph writes the engine's dependency graph (`pulumi stack graph`, DOT) to file.
func (s *Session) Graph(ctx context.Context, file string) error {
	cmd := exec.CommandContext(ctx, s.cli, "stack", "graph", file, "--stack", s.opts.Stack, "--non-interactive")
	cmd.Dir = s.workDir
	cmd.Env = os.Environ()
	for k, v := range s.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pulumi stack graph: %w: %s", err, out)
	}
	return nil
}
