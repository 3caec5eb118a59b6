package offline

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/azuremock"
)

// Graph is a program's dependency graph as the engine sees it: each resource's URN and the URNs
// it depends on (explicit DependsOn and the resources its inputs came from).
type Graph map[string][]string

// ProgramGraph runs project's program under Pulumi's mocks with a stack's configuration (as the CLI reads
// it) and returns its dependency graph. The engine gives a provider no dependencies, so this is
// how the offline Azure learns which of its operations are ordered.
func ProgramGraph(program pulumi.RunFunc, project, stack string, config auto.ConfigMap) (Graph, error) {
	values := map[string]string{}
	for k, v := range config {
		values[k] = v.Value
	}
	cloud := azuremock.New()
	cloud.Lenient = true
	resources, _, err := azuremock.Run(program, cloud, project, stack, values)
	if err != nil {
		return nil, fmt.Errorf("running the program under mocks for its dependency graph: %w", err)
	}
	g := Graph{}
	for _, r := range resources {
		g[r.URN] = r.Dependencies
	}
	return g, nil
}

// DependsOn tells whether from depends, directly or through others, on to.
func (g Graph) DependsOn(from, to string) (bool, error) {
	for _, urn := range []string{from, to} {
		if _, ok := g[urn]; !ok {
			return false, fmt.Errorf("offline Azure: %s is not in the program's dependency graph", urn)
		}
	}
	seen := map[string]bool{}
	stack := []string{from}
	for len(stack) > 0 {
		urn := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, dep := range g[urn] {
			if dep == to {
				return true, nil
			}
			if !seen[dep] {
				seen[dep] = true
				stack = append(stack, dep)
			}
		}
	}
	return false, nil
}
