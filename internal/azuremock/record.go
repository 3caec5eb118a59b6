package azuremock

import (
	"fmt"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/hubspoke/private-aks/internal/azuretype"
)

// Registered is one resource as a program registered it under Pulumi's mocks.
type Registered struct {
	URN          string
	Type         string
	Name         string // Pulumi logical name
	ID           string
	Custom       bool
	Inputs       resource.PropertyMap
	State        resource.PropertyMap // what the Cloud returned: inputs plus computed values
	Parent       string
	Dependencies []string
	Provider     string
	Protect      bool
	Aliases      []*pulumirpc.Alias
	// PropertyDependencies are, per input, the resources its value came from.
	PropertyDependencies map[string][]string
}

// Recorder is Pulumi's mock resource monitor backed by a Cloud: it records every registration,
// with the URN, dependencies and parent the engine would see, and answers like Azure.
type Recorder struct {
	project, stack string
	cloud          *Cloud
	mu             sync.Mutex
	resources      []*Registered
}

// NewRecorder records a run of project's stack against cloud.
func NewRecorder(project, stack string, cloud *Cloud) *Recorder {
	return &Recorder{project: project, stack: stack, cloud: cloud}
}

// NewResource records a registration and answers it: custom Azure resources through the Cloud.
func (m *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	r := &Registered{
		Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs,
		Parent: rpc.GetParent(), Dependencies: rpc.GetDependencies(), Provider: args.Provider, Protect: rpc.GetProtect(),
		Aliases: rpc.GetAliases(), PropertyDependencies: map[string][]string{},
	}
	for key, deps := range rpc.GetPropertyDependencies() {
		r.PropertyDependencies[key] = deps.GetUrns()
	}
	r.URN = m.urn(rpc.GetParent(), args.TypeToken, args.Name)
	r.ID, r.State = args.Name+"-id", args.Inputs
	if args.Custom && args.TypeToken != azuretype.Provider {
		var err error
		if r.ID, r.State, err = m.cloud.Create(args.TypeToken, args.Inputs); err != nil {
			return "", nil, fmt.Errorf("%s: %w", args.Name, err)
		}
	}
	m.mu.Lock()
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	return r.ID, r.State, nil
}

// Call answers the one invoke the program makes.
func (m *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if args.Token == ClientConfigFunction {
		return m.cloud.ClientConfig(), nil
	}
	return nil, fmt.Errorf("mock: unexpected call %s", args.Token)
}

// urn computes a resource's URN the way the mock monitor and the engine do, so parents and
// dependencies can be matched.
func (m *Recorder) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// Run runs program under mocks against cloud with the given config (values as the engine hands
// them: structured ones as JSON) and returns what it registered and the stack outputs it
// exported, as strings.
func Run(program pulumi.RunFunc, cloud *Cloud, project, stack string, config map[string]string) ([]*Registered, map[string]string, error) {
	m := NewRecorder(project, stack, cloud)
	outputs := map[string]string{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if err := program(ctx); err != nil {
			return err
		}
		// Awaited here: an apply on an export made of plain values is not one the run waits for.
		for k, v := range ctx.GetCurrentExportMap() {
			res, err := internals.UnsafeAwaitOutput(ctx.Context(), pulumi.ToOutput(v))
			if err != nil || !res.Known {
				continue // a failed registration behind it is the run's error
			}
			outputs[k] = fmt.Sprint(res.Value)
		}
		return nil
	}, pulumi.WithMocks(project, stack, m), func(info *pulumi.RunInfo) { info.Config = config })
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.resources, outputs, err
}
