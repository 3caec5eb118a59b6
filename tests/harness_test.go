// Package tests runs the whole program under Pulumi mocks and checks what it registers.
package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/hubspoke/private-aks/internal/azuremock"
	"github.com/hubspoke/private-aks/stack"
)

const (
	project = "hubspoke"

	// Placeholders the mock fills for what Azure computes.
	mockSubscriptionID    = azuremock.SubscriptionID
	mockFirewallPrivateIP = azuremock.FirewallPrivateIP
	mockJumpBoxPrivateIP  = azuremock.JumpBoxPrivateIP
	mockZoneGUID          = azuremock.ZoneGUID
)

// Resource types, as the SDK registers them.
const (
	typeResourceGroup   = "azure-native:resources:ResourceGroup"
	typeVNet            = "azure-native:network:VirtualNetwork"
	typeRouteTable      = "azure-native:network:RouteTable"
	typeRoute           = "azure-native:network:Route"
	typePublicIP        = "azure-native:network:PublicIPAddress"
	typeFirewallPolicy  = "azure-native:network:FirewallPolicy"
	typeRuleGroup       = "azure-native:network:FirewallPolicyRuleCollectionGroup"
	typeFirewall        = "azure-native:network:AzureFirewall"
	typeNIC             = "azure-native:network:NetworkInterface"
	typePeering         = "azure-native:network:VirtualNetworkPeering"
	typePrivateZone     = "azure-native:network:PrivateZone"
	typeVNetLink        = "azure-native:network:VirtualNetworkLink"
	typeVM              = "azure-native:compute:VirtualMachine"
	typeIdentity        = "azure-native:managedidentity:UserAssignedIdentity"
	typeRoleAssignment  = "azure-native:authorization:RoleAssignment"
	typeManagedCluster  = "azure-native:containerservice/v20241001:ManagedCluster"
	typeAgentPool       = "azure-native:containerservice/v20241001:AgentPool"
	typeBastion         = "azure-native:network:BastionHost"
	typeWorkspace       = "azure-native:operationalinsights:Workspace"
	typeDiagnostics     = "azure-native:insights:DiagnosticSetting"
	typeDCR             = "azure-native:insights:DataCollectionRule"
	typeDCRA            = "azure-native:insights:DataCollectionRuleAssociation"
	typeProvider        = "pulumi:providers:azure-native"
	componentTypePrefix = "hubspoke:"
)

// registered is one resource as the program registered it.
type registered struct {
	URN          string
	Type         string
	Name         string // Pulumi logical name
	ID           string
	Custom       bool
	Inputs       resource.PropertyMap
	State        resource.PropertyMap // what the mock returned: inputs plus computed values
	Parent       string
	Dependencies []string
	Provider     string
	Protect      bool
	Aliases      []*pulumirpc.Alias
}

// mocks records every registered resource and fills what Azure computes.
type mocks struct {
	mu        sync.Mutex
	stack     string
	resources []*registered
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	r := &registered{
		Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs,
		Parent: rpc.GetParent(), Dependencies: rpc.GetDependencies(), Provider: args.Provider, Protect: rpc.GetProtect(),
		Aliases: rpc.GetAliases(),
	}
	r.URN = m.urn(rpc.GetParent(), args.TypeToken, args.Name)
	r.ID, r.State = args.Name+"-id", args.Inputs
	if args.Custom && args.TypeToken != typeProvider {
		var err error
		if r.ID, r.State, err = azuremock.Create(args.TypeToken, args.Inputs); err != nil {
			return "", nil, fmt.Errorf("%s: %w", args.Name, err)
		}
	}
	m.mu.Lock()
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	return r.ID, r.State, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if args.Token == azuremock.ClientConfigFunction {
		return azuremock.ClientConfig(), nil
	}
	return nil, fmt.Errorf("mock: unexpected call %s", args.Token)
}

// urn computes a resource's URN the way the mock monitor does, so parents can be matched.
func (m *mocks) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(project), parentType, tokens.Type(typ), name))
}

// result is one run of the program under mocks.
type result struct {
	resources []*registered
	outputs   map[string]string
}

// declaredKey is one config key Pulumi.yaml declares.
type declaredKey struct {
	Default any `yaml:"default"`
}

// declaredKeys reads the config keys Pulumi.yaml declares, with their defaults.
func declaredKeys(t testing.TB) map[string]declaredKey {
	t.Helper()
	var proj struct {
		Config map[string]declaredKey `yaml:"config"`
	}
	readYAML(t, "Pulumi.yaml", &proj)
	return proj.Config
}

// stackConfig reads a stack's config the way the CLI would: Pulumi.yaml defaults, then the
// stack file. Structured values become JSON, as the engine hands them to the program.
func stackConfig(t testing.TB, stackName string) map[string]string {
	t.Helper()
	cfg := map[string]string{}
	for k, v := range declaredKeys(t) {
		if v.Default != nil {
			cfg[k] = configValue(t, v.Default)
		}
	}
	var st struct {
		Config map[string]any `yaml:"config"`
	}
	readYAML(t, "Pulumi."+stackName+".yaml", &st)
	for k, v := range st.Config {
		cfg[k] = configValue(t, v)
	}
	return cfg
}

func readYAML(t testing.TB, file string, out any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", file))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, out), file)
}

func configValue(t testing.TB, v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return string(data)
}

// run runs stack.Program under mocks with the given config and collects what it registered and
// the stack outputs it exported.
func run(t testing.TB, stackName string, cfg map[string]string) (*result, error) {
	t.Helper()
	m := &mocks{stack: stackName}
	res := &result{outputs: map[string]string{}}
	var mu sync.Mutex
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if err := stack.Program(ctx); err != nil {
			return err
		}
		for k, v := range ctx.GetCurrentExportMap() {
			pulumi.ToOutput(v).ApplyT(func(x any) any {
				mu.Lock()
				defer mu.Unlock()
				res.outputs[k] = fmt.Sprint(x)
				return nil
			})
		}
		return nil
	}, pulumi.WithMocks(project, stackName, m), func(info *pulumi.RunInfo) { info.Config = cfg })
	res.resources = m.resources
	return res, err
}

// runStack runs a shipped stack config and requires success.
func runStack(t testing.TB, stackName string) *result {
	t.Helper()
	res, err := run(t, stackName, stackConfig(t, stackName))
	require.NoError(t, err)
	return res
}

// withConfig runs the dev config with some keys changed; edit gets each structured key decoded.
func withConfig(t testing.TB, edit func(cfg map[string]any)) map[string]string {
	t.Helper()
	raw := stackConfig(t, "dev")
	decoded := map[string]any{}
	for k, v := range raw {
		var x any
		if err := json.Unmarshal([]byte(v), &x); err == nil && strings.HasPrefix(strings.TrimSpace(v), "{") {
			decoded[strings.TrimPrefix(k, project+":")] = x
		} else {
			decoded[strings.TrimPrefix(k, project+":")] = v
		}
	}
	edit(decoded)
	out := map[string]string{}
	for k, v := range decoded {
		out[project+":"+k] = configValue(t, v)
	}
	return out
}

// ofType lists the registered resources of one type.
func (r *result) ofType(typ string) []*registered {
	var out []*registered
	for _, res := range r.resources {
		if res.Type == typ {
			out = append(out, res)
		}
	}
	return out
}

// one requires exactly one resource of a type with the given Azure name (or any name if empty).
func (r *result) one(t testing.TB, typ string) *registered {
	t.Helper()
	all := r.ofType(typ)
	require.Len(t, all, 1, "resources of type %s", typ)
	return all[0]
}

// named requires the resource of a type with the given Azure name.
func (r *result) named(t testing.TB, typ, azureName string) *registered {
	t.Helper()
	for _, res := range r.ofType(typ) {
		if str(res.State, "name") == azureName {
			return res
		}
	}
	require.Failf(t, "resource not registered", "%s %s", typ, azureName)
	return nil
}

// byURN finds a resource by URN.
func (r *result) byURN(urn string) *registered {
	for _, res := range r.resources {
		if res.URN == urn {
			return res
		}
	}
	return nil
}

// byID finds a custom resource by the ID the mock gave it.
func (r *result) byID(id string) *registered {
	for _, res := range r.resources {
		if res.Custom && res.ID == id {
			return res
		}
	}
	return nil
}

// at reads a nested value: at(pm, "a", 0, "b") is pm.a[0].b; a missing step gives null.
func at(pm resource.PropertyMap, path ...any) resource.PropertyValue {
	v := resource.NewObjectProperty(pm)
	for _, step := range path {
		switch s := step.(type) {
		case string:
			if !v.IsObject() {
				return resource.NewNullProperty()
			}
			v = v.ObjectValue()[resource.PropertyKey(s)]
		case int:
			if !v.IsArray() || len(v.ArrayValue()) <= s {
				return resource.NewNullProperty()
			}
			v = v.ArrayValue()[s]
		}
	}
	return v
}

// items reads a nested array (nil if absent).
func items(pm resource.PropertyMap, path ...any) []resource.PropertyValue {
	v := at(pm, path...)
	if !v.IsArray() {
		return nil
	}
	return v.ArrayValue()
}

// str reads a nested string value ("" if absent).
func str(pm resource.PropertyMap, path ...any) string {
	v := at(pm, path...)
	if !v.IsString() {
		return ""
	}
	return v.StringValue()
}

// strs reads a nested array of strings.
func strs(pm resource.PropertyMap, path ...any) []string {
	v := at(pm, path...)
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, x := range v.ArrayValue() {
		if x.IsString() {
			out = append(out, x.StringValue())
		}
	}
	return out
}
