// Package offline runs the program through the real Pulumi engine with no cloud: the Automation
// API runs stack.Program in-process, a local file backend keeps the state, and a mock
// azure-native provider, served in-process, answers like Azure with placeholder values.
package offline

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/deploy"
	"github.com/hubspoke/private-aks/internal/standin"
	"github.com/hubspoke/private-aks/stack"
)

// Project is the main program's Pulumi project name, as in Pulumi.yaml.
const Project = deploy.Project

// Options says where a session finds the project and keeps its state.
type Options struct {
	RepoRoot string // holds Pulumi.yaml and Pulumi.<stack>.yaml
	Stack    string
	StateDir string    // the session's local backend and work folder; the caller removes it
	Progress io.Writer // the engine's progress output; nil discards it
	CLI      string    // the Pulumi CLI; empty finds it with FindCLI(RepoRoot)
	// PolicyPack is optional: the policy pack's binary, run on every preview and up.
	PolicyPack string
	// Program is optional: what runs instead of stack.Program (a test's broken variant, the
	// bootstrap); Project is then its project's name (default Project).
	Program pulumi.RunFunc
	Project string
	// Azure sets how the offline Azure behaves: time scale, injected failures, policy tags.
	Azure AzureOptions
}

// Session is one stack in a local backend with the mock provider running.
type Session struct {
	// Stack drives the stack through the engine, with the policy pack on every preview and up.
	*deploy.Stack
	// StandIns are the key paths whose placeholders the session filled with stand-in values.
	StandIns []string

	opts    Options
	program pulumi.RunFunc
	azure   *azure
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
	opts.Project = cmp.Or(opts.Project, Project)
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
	var standIns []string
	for _, file := range []string{"Pulumi.yaml", "Pulumi." + opts.Stack + ".yaml"} {
		data, err := os.ReadFile(filepath.Join(opts.RepoRoot, file))
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", opts.Stack, err)
		}
		if file != "Pulumi.yaml" {
			// What a user sets before `up` (an SSH key, an admin group), as offline stand-ins.
			if data, standIns, err = standin.Fill(opts.Project, data); err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
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
		"PULUMI_BACKEND_URL":       "file://" + backendDir,
		"PULUMI_CONFIG_PASSPHRASE": "offline-run-placeholder-passphrase",
		"PULUMI_HOME":              filepath.Join(opts.StateDir, "home"),
		"PULUMI_SKIP_UPDATE_CHECK": "true",
		// The state is written once, at the end of each operation, not after every step: the
		// offline state is thrown away or exported at the end, and a run is a quarter faster.
		"PULUMI_SKIP_CHECKPOINTS":                     "true",
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
	st, err := auto.UpsertStackInlineSource(ctx, opts.Stack, opts.Project, program,
		auto.WorkDir(workDir), auto.EnvVars(env), auto.Pulumi(command))
	if err != nil {
		return nil, err
	}
	return &Session{Stack: deploy.NewStack(st, opts.PolicyPack, opts.Progress), StandIns: standIns,
		opts: opts, program: program, azure: offlineAzure, env: env, workDir: workDir, cli: cli}, nil
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

// Up runs `pulumi up` into the local state. The offline Azure first learns the program's
// dependency graph for the stack's current configuration.
func (s *Session) Up(ctx context.Context) (auto.UpResult, error) {
	config, err := s.Config(ctx)
	if err != nil {
		return auto.UpResult{}, err
	}
	s.azure.begin(ProgramGraph(s.program, s.opts.Project, s.opts.Stack, config))
	return s.Stack.Up(ctx)
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
