package offline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hubspoke/private-aks/internal/azuremock"
	"github.com/hubspoke/private-aks/internal/deploy"
	"github.com/hubspoke/private-aks/internal/replaceguard"
	"github.com/hubspoke/private-aks/internal/standin"
)

// Output files of a run, under its output folder.
const (
	StateFile    = "state.json"   // `pulumi stack export`
	GraphFile    = "graph.dot"    // `pulumi stack graph`
	TopologyFile = "topology.dot" // the network picture's source; .svg and .png beside it
	ModelFile    = "deploy-model.txt"
)

// Run previews the stack through the engine, applies it to the local state only, and writes the
// exported state, the engine's dependency graph, the topology picture and the deploy-time model
// into outDir. report gets the summary (the whole model when verbose); opts.Progress the engine's
// own output.
func Run(ctx context.Context, opts Options, outDir string, report io.Writer, verbose bool) error {
	fmt.Fprintf(report, "NOTHING IS DEPLOYED. The real Pulumi engine runs stack %s against an offline Azure (a mock azure-native provider),\ninto the local state in %s.\n\n", opts.Stack, opts.StateDir)
	s, err := Open(ctx, opts)
	if err != nil {
		return err
	}
	// The deployment every stack gets (cmd/deploy), against the offline Azure. The Kubernetes
	// version check asks Azure, so it is left out here.
	up, err := deploy.Run(ctx, s, deploy.Options{Stack: opts.Stack, AllowReplace: replaceguard.Allowed(), Report: report})
	if err != nil {
		return err
	}

	// Absolute, because the CLI runs in the session's work folder.
	if outDir, err = filepath.Abs(outDir); err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	deployment, err := s.Export(ctx)
	if err != nil {
		return err
	}
	exported, err := json.MarshalIndent(deployment, "", "    ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(outDir, StateFile), exported, 0o644); err != nil {
		return err
	}
	if err := s.Graph(ctx, filepath.Join(outDir, GraphFile)); err != nil {
		return err
	}
	st, err := ParseState(deployment)
	if err != nil {
		return err
	}
	if err := WriteTopology(ctx, st, filepath.Join(outDir, TopologyFile)); err != nil {
		return err
	}
	model, err := DeployModel(st)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(outDir, ModelFile), []byte(model.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(report, "%s\n", Census(st))
	if verbose {
		fmt.Fprintf(report, "\n%s\n", model)
	} else {
		fmt.Fprintf(report, "\n%s\n", model.Summary())
	}

	fmt.Fprintf(report, "Stack outputs:\n")
	keys := make([]string, 0, len(up.Outputs))
	for k := range up.Outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(report, "  %-26s %v\n", k, up.Outputs[k].Value)
	}
	fmt.Fprintf(report, "\nPlaceholders for what Azure computes:\n")
	for _, p := range azuremock.Placeholders {
		fmt.Fprintf(report, "  - %s\n", p)
	}
	for _, path := range s.StandIns {
		fmt.Fprintf(report, "  - %s: a stand-in for the value you set before a real `pulumi up` (%s)\n", path, standin.Values[path])
	}
	fmt.Fprintf(report, "\nWritten to %s: %s, %s, %s (+ .svg, .png), %s\n", outDir, StateFile, GraphFile, TopologyFile, ModelFile)
	return nil
}

// Census counts the state's resources as the engine does (its "N create" includes the stack, the
// provider and the component resources) and as the deploy-time model does (Azure resources).
func Census(st State) string {
	var azure, components, providers, stacks int
	for _, r := range st.Resources {
		switch {
		case r.Type == "pulumi:pulumi:Stack":
			stacks++
		case strings.HasPrefix(r.Type, "pulumi:providers:"):
			providers++
		case r.Custom:
			azure++
		default:
			components++
		}
	}
	return fmt.Sprintf("Resources: %d = %d Azure resources (the deploy-time model's) + %d components + %d provider + %d stack",
		azure+components+providers+stacks, azure, components, providers, stacks)
}

// WriteTopology writes the topology's DOT source to file and renders it with Graphviz beside it.
func WriteTopology(ctx context.Context, st State, file string) error {
	if err := os.WriteFile(file, []byte(TopologyDOT(st)), 0o644); err != nil {
		return err
	}
	base := strings.TrimSuffix(file, filepath.Ext(file))
	for _, format := range []string{"svg", "png"} {
		out, err := exec.CommandContext(ctx, "dot", "-T"+format, "-o", base+"."+format, file).CombinedOutput()
		if err != nil {
			return fmt.Errorf("rendering the topology with Graphviz (apt-get install graphviz): %w: %s", err, out)
		}
	}
	return nil
}
