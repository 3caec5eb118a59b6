package policy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/mocktest"
	"github.com/hubspoke/private-aks/policy"
)

// The policies run through their own Validate functions on what the program registers for the
// shipped stacks (under mocks): resource policies on each resource's inputs, stack policies on
// every resource's outputs and dependencies, as the engine hands them.

// manager collects the violations a policy reports.
type manager struct{ violations []string }

func (m *manager) ReportViolation(message, urn string) {
	m.violations = append(m.violations, urn+": "+message)
}

// pathParams are inputs that name a resource or its parent in the request path: Azure's
// responses do not repeat them, so the stack policies must not rely on them (they follow
// PropertyDependencies instead). The conversion drops them from the outputs.
var pathParams = []string{"resourceGroupName", "virtualNetworkName", "routeTableName", "firewallPolicyName", "privateZoneName",
	"dnsResolverName", "dnsForwardingRulesetName", "vmName", "resourceUri", "scope"}

func analyzerResource(r *mocktest.Registered, props resource.PropertyMap) policyx.AnalyzerResource {
	return policyx.AnalyzerResource{Type: r.Type, URN: r.URN, Name: r.Name, Parent: r.Parent,
		Properties: resource.FromResourcePropertyMap(props), Dependencies: r.Dependencies, PropertyDependencies: r.PropertyDependencies}
}

// outputs is what Azure returns for a resource: its state without the path parameters.
func outputs(r *mocktest.Registered) resource.PropertyMap {
	out := r.State.Copy()
	for _, key := range append(pathParams, azuretype.Table[r.Type].NameInput) {
		if key != "name" {
			delete(out, resource.PropertyKey(key))
		}
	}
	return out
}

// check runs one policy on a program run and returns its violations.
func check(t *testing.T, p policyx.Policy, res *mocktest.Result) []string {
	t.Helper()
	m := &manager{}
	switch p := p.(type) {
	case policyx.ResourceValidationPolicy:
		for _, r := range res.Resources {
			if r.Custom {
				require.NoError(t, p.Validate(context.Background(), policyx.ResourceValidationArgs{Manager: m, Resource: analyzerResource(r, r.Inputs)}))
			}
		}
	case policyx.StackValidationPolicy:
		var all []policyx.AnalyzerResource
		for _, r := range res.Resources {
			all = append(all, analyzerResource(r, outputs(r)))
		}
		require.NoError(t, p.Validate(context.Background(), policyx.StackValidationArgs{Manager: m, Resources: all}))
	default:
		require.Failf(t, "unknown kind of policy", "%s", p.Name())
	}
	return m.violations
}

// variantEdits are the config edits of the dev stack's other modes.
var variantEdits = map[string]func(map[string]any){
	"dev-forwarder":       mocktest.DNSMode("forwarder"),
	"dev-privateResolver": mocktest.DNSMode("privateResolver"),
	"dev-basic":           mocktest.All(mocktest.Set("firewall", "sku", "Basic"), mocktest.Set("hub", "firewallManagementSubnet", "10.0.0.128/26")),
	"dev-nodeSubnet":      mocktest.All(mocktest.Set("aks", "cni", "nodeSubnet"), mocktest.Set("aks", "maxPods", 30)),
	"dev-gateway":         mocktest.All(mocktest.Set("hub", "gatewaySubnet", "10.0.0.192/27"), mocktest.Set("hub", "hasGateway", true)),
	"dev-admin-groups":    mocktest.Set("aks", "adminGroupObjectIds", []any{"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}),
	"dev-maintenance": mocktest.Set("aks", "maintenance", map[string]any{"autoUpgrade": map[string]any{"dayOfWeek": "Sunday", "startTime": "00:00"},
		"nodeOS": map[string]any{"dayOfWeek": "Sunday", "startTime": "04:00"}}),
}

// variants are the shipped stacks and the dev stack's other modes.
func variants(t *testing.T) map[string]*mocktest.Result {
	t.Helper()
	out := map[string]*mocktest.Result{}
	for _, name := range mocktest.StackNames(t) {
		out[name] = mocktest.RunStack(t, name)
	}
	for name, edit := range variantEdits {
		res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, edit))
		require.NoError(t, err, name)
		out[name] = res
	}
	return out
}

func TestShippedStacksAndVariantsPassEveryPolicy(t *testing.T) {
	runs := variants(t)
	for _, p := range policy.Policies() {
		t.Run(p.Name(), func(t *testing.T) {
			for name, res := range runs {
				assert.Empty(t, check(t, p, res), "%s", name)
			}
		})
	}
}

func TestThePackHasEveryPolicyOnceWithItsLevel(t *testing.T) {
	pack, err := policy.Pack()
	require.NoError(t, err)
	assert.Equal(t, policy.Name, pack.Name())
	var names []string
	for _, p := range pack.Policies() {
		names = append(names, p.Name())
		assert.NotEmpty(t, p.Description(), p.Name())
		want := policyx.EnforcementLevelMandatory
		if p.Name() == "kubernetes-version-window" {
			want = policyx.EnforcementLevelAdvisory
		}
		assert.Equal(t, want, p.EnforcementLevel(), p.Name())
	}
	assert.Len(t, names, len(slices.Compact(slices.Sorted(slices.Values(names)))), "names are unique")
	assert.ElementsMatch(t, names, brokenTwinPolicies(), "every policy has at least one broken twin below, and every twin breaks a policy of the pack")
}

// resources of a run, by type and Azure name.
func named(t *testing.T, res *mocktest.Result, typ, name string) *mocktest.Registered {
	t.Helper()
	return res.Named(t, typ, name)
}

// set puts a value at a path of a resource's inputs and state (their nested objects are shared).
func set(r *mocktest.Registered, value any, path ...string) {
	for _, pm := range []resource.PropertyMap{r.Inputs, r.State} {
		target := pm
		for _, step := range path[:len(path)-1] {
			target = target[resource.PropertyKey(step)].ObjectValue()
		}
		key := resource.PropertyKey(path[len(path)-1])
		if value == nil {
			delete(target, key)
		} else {
			target[key] = resource.NewPropertyValue(value)
		}
	}
}

// subnetOf is an inline subnet's object in a VNet.
func subnetOf(r *mocktest.Registered, name string) resource.PropertyMap {
	for _, s := range mocktest.Items(r.Inputs, "subnets") {
		if s.ObjectValue()["name"].StringValue() == name {
			return s.ObjectValue()
		}
	}
	return nil
}

// ruleOf is a security rule's object in an NSG.
func ruleOf(r *mocktest.Registered, name string) resource.PropertyMap {
	for _, s := range mocktest.Items(r.Inputs, "securityRules") {
		if s.ObjectValue()["name"].StringValue() == name {
			return s.ObjectValue()
		}
	}
	return nil
}

func appendTo(pm resource.PropertyMap, key string, item map[string]any) {
	pm[resource.PropertyKey(key)] = resource.NewArrayProperty(append(pm[resource.PropertyKey(key)].ArrayValue(), resource.NewPropertyValue(item)))
}

func withoutDependency(r *mocktest.Registered, on *mocktest.Registered) {
	r.Dependencies = slices.DeleteFunc(slices.Clone(r.Dependencies), func(u string) bool { return u == on.URN })
}

func drop(res *mocktest.Result, doomed func(*mocktest.Registered) bool) {
	res.Resources = slices.DeleteFunc(res.Resources, doomed)
}

const (
	hubVNet   = "vnet-hubspoke-dev-hub"
	spokeVNet = "vnet-hubspoke-dev-spoke"
	bastion   = "nsg-hubspoke-dev-bastion"
	jumpbox   = "nsg-hubspoke-dev-jumpbox"
)

// byName is the resource a run registered under a Pulumi logical name.
func byName(t *testing.T, res *mocktest.Result, name string) *mocktest.Registered {
	t.Helper()
	for _, r := range res.Resources {
		if r.Name == name {
			return r
		}
	}
	require.Failf(t, "resource not registered", "%s", name)
	return nil
}

// systemPool is the cluster's inline system pool (its state shares the object).
func systemPool(res *mocktest.Result) resource.PropertyMap {
	return mocktest.At(res.First(azuretype.ManagedCluster).Inputs, "agentPoolProfiles", 0).ObjectValue()
}

// withoutItem drops the items of a resource's list whose key has a value.
func withoutItem(r *mocktest.Registered, list, key, value string) {
	kept := slices.DeleteFunc(slices.Clone(mocktest.Items(r.Inputs, list)), func(item resource.PropertyValue) bool {
		return item.ObjectValue()[resource.PropertyKey(key)].StringValue() == value
	})
	set(r, resource.NewArrayProperty(kept), list)
}

// nsgRule adds a security rule to the jump box's NSG.
func nsgRule(rule map[string]any) func(t *testing.T, res *mocktest.Result) {
	return func(t *testing.T, res *mocktest.Result) {
		appendTo(named(t, res, azuretype.NSG, jumpbox).Inputs, "securityRules", rule)
	}
}

// firewallRule adds a rule to the first collection of a rule collection group.
func firewallRule(group string, rule map[string]any) func(t *testing.T, res *mocktest.Result) {
	return func(t *testing.T, res *mocktest.Result) {
		appendTo(mocktest.At(byName(t, res, group).Inputs, "ruleCollections", 0).ObjectValue(), "rules", rule)
	}
}

// firewallAt gives the firewall a private IP and points the default route at it, so that the
// messages do not depend on the address the mock hands out.
func firewallAt(res *mocktest.Result, ip string) {
	mocktest.At(res.First(azuretype.Firewall).State, "ipConfigurations", 0).ObjectValue()["privateIPAddress"] = resource.NewStringProperty(ip)
	set(res.First(azuretype.Route), ip, "nextHopIpAddress")
}

// inPESubnet is a node subnet's ID moved to snet-private-endpoints, which has no route table.
func inPESubnet(id string) string {
	return strings.Replace(id, "snet-aks-nodes", "snet-private-endpoints", 1)
}

// brokenTwin breaks one branch of a policy the way a real mistake would, on the dev stack (or
// the variant named), and names the message expected: literally, never from the policy's own
// tables, so a policy that changes what it says or when fails here.
type brokenTwin struct {
	policy, branch, variant string
	breach                  func(t *testing.T, res *mocktest.Result)
	want                    string
}

// brokenTwins has a twin for every branch of every policy: every separate condition that reports
// a violation. tests/mutants/policy.yaml removes each branch in turn and names the twin that must
// catch it.
var brokenTwins = []brokenTwin{
	// nsg-rule-fields
	{"nsg-rule-fields", "service-tag-in-plural", "dev", func(t *testing.T, res *mocktest.Result) {
		rule := ruleOf(named(t, res, azuretype.NSG, bastion), "allow-https-inbound")
		delete(rule, "sourceAddressPrefix")
		rule["sourceAddressPrefixes"] = resource.NewPropertyValue([]any{"Internet"})
	}, `SecurityRuleParameterContainsUnsupportedValue: security rule allow-https-inbound: sourceAddressPrefixes holds "Internet"`},
	{"nsg-rule-fields", "singular-and-plural", "dev", func(t *testing.T, res *mocktest.Result) {
		ruleOf(named(t, res, azuretype.NSG, bastion), "allow-https-inbound")["sourceAddressPrefixes"] = resource.NewPropertyValue([]any{"10.0.0.0/8"})
	}, "SecurityRuleParameterContainsUnsupportedValue: security rule allow-https-inbound must set exactly one of sourceAddressPrefix and sourceAddressPrefixes"},

	// subnet-sizes
	{"subnet-sizes", "firewall-subnet", "dev", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "AzureFirewallSubnet")["addressPrefix"] = resource.NewStringProperty("10.0.0.0/27")
	}, "subnet AzureFirewallSubnet 10.0.0.0/27 is smaller than the /26 Azure requires"},
	{"subnet-sizes", "firewall-management-subnet", "dev-basic", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "AzureFirewallManagementSubnet")["addressPrefix"] = resource.NewStringProperty("10.0.0.128/27")
	}, "subnet AzureFirewallManagementSubnet 10.0.0.128/27 is smaller than the /26 Azure requires"},
	{"subnet-sizes", "bastion-subnet", "dev", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "AzureBastionSubnet")["addressPrefix"] = resource.NewStringProperty("10.0.0.64/27")
	}, "subnet AzureBastionSubnet 10.0.0.64/27 is smaller than the /26 Azure requires"},
	{"subnet-sizes", "gateway-subnet", "dev-gateway", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "GatewaySubnet")["addressPrefix"] = resource.NewStringProperty("10.0.0.192/28")
	}, "subnet GatewaySubnet 10.0.0.192/28 is smaller than the /27 Azure requires"},
	{"subnet-sizes", "any-subnet", "dev", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "snet-jumpbox")["addressPrefix"] = resource.NewStringProperty("10.0.1.0/30")
	}, "subnet snet-jumpbox 10.0.1.0/30 is smaller than the /29 Azure requires"},

	// no-nsg-on-firewall-subnets
	{"no-nsg-on-firewall-subnets", "firewall-subnet", "dev", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "AzureFirewallSubnet")["networkSecurityGroup"] = resource.NewPropertyValue(map[string]any{"id": "/nsg"})
	}, "subnet AzureFirewallSubnet carries an NSG"},
	{"no-nsg-on-firewall-subnets", "firewall-management-subnet", "dev-basic", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "AzureFirewallManagementSubnet")["networkSecurityGroup"] = resource.NewPropertyValue(map[string]any{"id": "/nsg"})
	}, "subnet AzureFirewallManagementSubnet carries an NSG"},
	{"no-nsg-on-firewall-subnets", "gateway-subnet", "dev-gateway", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "GatewaySubnet")["networkSecurityGroup"] = resource.NewPropertyValue(map[string]any{"id": "/nsg"})
	}, "subnet GatewaySubnet carries an NSG"},

	// no-route-table-on-bastion-subnet
	{"no-route-table-on-bastion-subnet", "route-table", "dev", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "AzureBastionSubnet")["routeTable"] = resource.NewPropertyValue(map[string]any{"id": "/rt"})
	}, "subnet AzureBastionSubnet carries a route table"},

	// vnet-address-space
	{"vnet-address-space", "forbidden-range", "dev", func(t *testing.T, res *mocktest.Result) {
		set(named(t, res, azuretype.VNet, spokeVNet), []any{"169.254.0.0/16"}, "addressSpace", "addressPrefixes")
	}, "address space 169.254.0.0/16 overlaps 169.254.0.0/16, which Azure refuses"},

	// aks-reserved-ranges
	{"aks-reserved-ranges", "service-cidr", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), "172.31.0.0/16", "networkProfile", "serviceCidr")
	}, "serviceCidr 172.31.0.0/16 overlaps 172.31.0.0/16, which AKS reserves"},
	{"aks-reserved-ranges", "pod-cidr", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), "172.30.0.0/16", "networkProfile", "podCidr")
	}, "podCidr 172.30.0.0/16 overlaps 172.30.0.0/16, which AKS reserves"},

	// system-pool
	{"system-pool", "not-linux", "dev", func(t *testing.T, res *mocktest.Result) {
		systemPool(res)["osType"] = resource.NewStringProperty("Windows")
	}, `system pool system runs "Windows", not Linux`},
	{"system-pool", "max-pods", "dev", func(t *testing.T, res *mocktest.Result) {
		systemPool(res)["maxPods"] = resource.NewNumberProperty(20)
	}, "system pool system runs 20 pods per node, fewer than the 30 a system pool needs"},
	{"system-pool", "b-series", "dev", func(t *testing.T, res *mocktest.Result) {
		systemPool(res)["vmSize"] = resource.NewStringProperty("Standard_B4ms")
	}, "system pool system uses the B-series size Standard_B4ms, which system pools refuse"},
	{"system-pool", "no-system-pool", "dev", func(t *testing.T, res *mocktest.Result) {
		systemPool(res)["mode"] = resource.NewStringProperty("User")
	}, "the cluster has no System pool"},

	// kubernetes-version-window
	{"kubernetes-version-window", "lts-only-1.33", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), "1.33", "kubernetesVersion")
	}, "Kubernetes 1.33 is outside the minors AKS supports (1.34, 1.35, 1.36, table checked 2026-11-26)"},
	{"kubernetes-version-window", "preview-1.37", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), "1.37", "kubernetesVersion")
	}, "Kubernetes 1.37 is outside the minors AKS supports (1.34, 1.35, 1.36, table checked 2026-11-26)"},
	{"kubernetes-version-window", "agent-pool-orchestrator-version", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), "1.33.5", "orchestratorVersion")
	}, "Kubernetes 1.33.5 is outside the minors AKS supports (1.34, 1.35, 1.36, table checked 2026-11-26)"},

	// private-resolver-subnets
	{"private-resolver-subnets", "reserved-range", "dev-privateResolver", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "snet-dns-inbound")["addressPrefix"] = resource.NewStringProperty("10.0.3.0/28")
	}, "resolver subnet snet-dns-inbound 10.0.3.0/28 lies in 10.0.1.0-10.0.16.255, which the service reserves"},
	{"private-resolver-subnets", "too-small", "dev-privateResolver", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "snet-dns-inbound")["addressPrefix"] = resource.NewStringProperty("10.0.32.0/29")
	}, "resolver subnet snet-dns-inbound 10.0.32.0/29 is not between /24 and /28"},
	{"private-resolver-subnets", "too-large", "dev-privateResolver", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "snet-dns-inbound")["addressPrefix"] = resource.NewStringProperty("10.0.32.0/23")
	}, "resolver subnet snet-dns-inbound 10.0.32.0/23 is not between /24 and /28"},

	// firewall-policy-sku-features
	{"firewall-policy-sku-features", "dns-proxy-on-basic", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.FirewallPolicy), "Basic", "sku", "tier")
	}, "the DNS proxy is on, which the Basic SKU lacks"},
	{"firewall-policy-sku-features", "idps-on-standard", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.FirewallPolicy), map[string]any{"mode": "Alert"}, "intrusionDetection")
	}, "IDPS is configured on a Standard policy; it needs Premium"},
	{"firewall-policy-sku-features", "tls-inspection-on-standard", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.FirewallPolicy), map[string]any{"certificateAuthority": map[string]any{
			"name": "tls-ca", "keyVaultSecretId": "https://kv.vault.azure.net/secrets/tls-ca"}}, "transportSecurity")
	}, "TLS inspection is configured on a Standard policy; it needs Premium"},

	// firewall-basic-management-ip
	{"firewall-basic-management-ip", "no-management-ip", "dev-basic", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.Firewall), nil, "managementIpConfiguration")
	}, "a Basic firewall without a management IP configuration"},

	// registry-private
	{"registry-private", "not-premium", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.Registry), "Standard", "sku", "name")
	}, "the registry is Standard; private endpoints need Premium"},
	{"registry-private", "public-access", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.Registry), "Enabled", "publicNetworkAccess")
	}, "the registry is reachable from the internet (publicNetworkAccess is not Disabled)"},
	{"registry-private", "admin-user", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.Registry), true, "adminUserEnabled")
	}, "the registry has an admin user with a shared password"},

	// vault-private
	{"vault-private", "access-policies", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.Vault), false, "properties", "enableRbacAuthorization")
	}, "the vault authorizes with access policies, not Azure RBAC"},
	{"vault-private", "soft-delete-off", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.Vault), false, "properties", "enableSoftDelete")
	}, "the vault has soft delete off"},
	{"vault-private", "public-access", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.Vault), "Enabled", "properties", "publicNetworkAccess")
	}, "the vault is reachable from the internet (publicNetworkAccess is not disabled)"},

	// private-endpoints-in-endpoint-subnet
	{"private-endpoints-in-endpoint-subnet", "other-subnet", "dev", func(t *testing.T, res *mocktest.Result) {
		pe := res.First(azuretype.PrivateEndpoint)
		id := mocktest.Str(pe.Inputs, "subnet", "id")
		set(pe, strings.Replace(id, "snet-private-endpoints", "snet-aks-nodes", 1), "subnet", "id")
	}, "the private endpoint is in snet-aks-nodes, not snet-private-endpoints"},
	{"private-endpoints-in-endpoint-subnet", "network-policies-off", "dev", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, spokeVNet), "snet-private-endpoints")["privateEndpointNetworkPolicies"] = resource.NewStringProperty("Disabled")
	}, "snet-private-endpoints has network policies off or no NSG: no NSG applies to the endpoint"},
	{"private-endpoints-in-endpoint-subnet", "no-nsg", "dev", func(t *testing.T, res *mocktest.Result) {
		delete(subnetOf(named(t, res, azuretype.VNet, spokeVNet), "snet-private-endpoints"), "networkSecurityGroup")
	}, "snet-private-endpoints has network policies off or no NSG: no NSG applies to the endpoint"},

	// container-insights-data-collection
	{"container-insights-data-collection", "no-association", "dev", func(t *testing.T, res *mocktest.Result) {
		drop(res, func(r *mocktest.Registered) bool { return r.Type == azuretype.DataCollectionRuleLink })
	}, "Container Insights uses Entra ID auth but no data collection rule associated with the cluster streams ContainerInsights to "},
	{"container-insights-data-collection", "association-to-another-rule", "dev", func(t *testing.T, res *mocktest.Result) {
		res.First(azuretype.DataCollectionRuleLink).PropertyDependencies["dataCollectionRuleId"] = nil
	}, "Container Insights uses Entra ID auth but no data collection rule associated with the cluster streams ContainerInsights to "},
	{"container-insights-data-collection", "other-workspace", "dev", func(t *testing.T, res *mocktest.Result) {
		destination := mocktest.At(res.First(azuretype.DataCollectionRule).State, "destinations", "logAnalytics", 0).ObjectValue()
		destination["workspaceResourceId"] = resource.NewStringProperty("/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-other/providers/Microsoft.OperationalInsights/workspaces/log-other")
	}, "Container Insights uses Entra ID auth but no data collection rule associated with the cluster streams ContainerInsights to "},
	{"container-insights-data-collection", "no-container-insights-extension", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.DataCollectionRule), nil, "dataSources", "extensions")
	}, "Container Insights uses Entra ID auth but no data collection rule associated with the cluster streams ContainerInsights to "},

	// cluster-data-plane-admin
	{"cluster-data-plane-admin", "no-assignment", "dev", func(t *testing.T, res *mocktest.Result) {
		drop(res, func(r *mocktest.Registered) bool { return r.Name == "cluster-rbac-cluster-admin-deployer" })
	}, "nobody can use kubectl: no admin group and no Azure Kubernetes Service RBAC Cluster Admin assignment on the cluster"},
	{"cluster-data-plane-admin", "other-role", "dev", func(t *testing.T, res *mocktest.Result) {
		set(byName(t, res, "cluster-rbac-cluster-admin-deployer"),
			"/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c", "roleDefinitionId")
	}, "nobody can use kubectl: no admin group and no Azure Kubernetes Service RBAC Cluster Admin assignment on the cluster"},
	{"cluster-data-plane-admin", "assigned-elsewhere", "dev", func(t *testing.T, res *mocktest.Result) {
		byName(t, res, "cluster-rbac-cluster-admin-deployer").PropertyDependencies["scope"] = nil
	}, "nobody can use kubectl: no admin group and no Azure Kubernetes Service RBAC Cluster Admin assignment on the cluster"},

	// private-resolver-endpoint-delegation
	{"private-resolver-endpoint-delegation", "inbound-endpoint", "dev-privateResolver", func(t *testing.T, res *mocktest.Result) {
		delete(subnetOf(named(t, res, azuretype.VNet, hubVNet), "snet-dns-inbound"), "delegations")
	}, "subnet snet-dns-inbound of vnet-hubspoke-dev-hub is not delegated to Microsoft.Network/dnsResolvers"},
	{"private-resolver-endpoint-delegation", "outbound-endpoint", "dev-privateResolver", func(t *testing.T, res *mocktest.Result) {
		delete(subnetOf(named(t, res, azuretype.VNet, hubVNet), "snet-dns-outbound"), "delegations")
	}, "subnet snet-dns-outbound of vnet-hubspoke-dev-hub is not delegated to Microsoft.Network/dnsResolvers"},

	// bastion-nsg-rules
	{"bastion-nsg-rules", "inbound-rule-missing", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutItem(named(t, res, azuretype.NSG, bastion), "securityRules", "name", "allow-gateway-manager-inbound")
	}, "no inbound rule allows GatewayManager to * on port 443"},
	{"bastion-nsg-rules", "outbound-rule-missing", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutItem(named(t, res, azuretype.NSG, bastion), "securityRules", "name", "allow-azure-cloud-outbound")
	}, "no outbound rule allows * to AzureCloud on port 443"},
	{"bastion-nsg-rules", "rule-denies", "dev", func(t *testing.T, res *mocktest.Result) {
		ruleOf(named(t, res, azuretype.NSG, bastion), "allow-session-information-outbound")["access"] = resource.NewStringProperty("Deny")
	}, "no outbound rule allows * to Internet on port 80"},
	{"bastion-nsg-rules", "rule-other-direction", "dev", func(t *testing.T, res *mocktest.Result) {
		ruleOf(named(t, res, azuretype.NSG, bastion), "allow-azure-cloud-outbound")["direction"] = resource.NewStringProperty("Inbound")
	}, "no outbound rule allows * to AzureCloud on port 443"},
	{"bastion-nsg-rules", "rule-other-source", "dev", func(t *testing.T, res *mocktest.Result) {
		ruleOf(named(t, res, azuretype.NSG, bastion), "allow-gateway-manager-inbound")["sourceAddressPrefix"] = resource.NewStringProperty("AzureCloud")
	}, "no inbound rule allows GatewayManager to * on port 443"},
	{"bastion-nsg-rules", "rule-other-destination", "dev", func(t *testing.T, res *mocktest.Result) {
		ruleOf(named(t, res, azuretype.NSG, bastion), "allow-azure-cloud-outbound")["destinationAddressPrefix"] = resource.NewStringProperty("Storage")
	}, "no outbound rule allows * to AzureCloud on port 443"},
	{"bastion-nsg-rules", "rule-other-port", "dev", func(t *testing.T, res *mocktest.Result) {
		ruleOf(named(t, res, azuretype.NSG, bastion), "allow-session-information-outbound")["destinationPortRange"] = resource.NewStringProperty("8080")
	}, "no outbound rule allows * to Internet on port 80"},

	// egress-through-firewall
	{"egress-through-firewall", "other-next-hop-ip", "dev", func(t *testing.T, res *mocktest.Result) {
		firewallAt(res, "10.0.0.4")
		set(res.First(azuretype.Route), "10.0.0.99", "nextHopIpAddress")
	}, `0.0.0.0/0 goes to VirtualAppliance "10.0.0.99", not the firewall's private IP [10.0.0.4]`},
	{"egress-through-firewall", "other-next-hop-type", "dev", func(t *testing.T, res *mocktest.Result) {
		firewallAt(res, "10.0.0.4")
		set(res.First(azuretype.Route), "Internet", "nextHopType")
	}, `0.0.0.0/0 goes to Internet "10.0.0.4", not the firewall's private IP [10.0.0.4]`},
	{"egress-through-firewall", "node-subnet-without-route-table", "dev", func(t *testing.T, res *mocktest.Result) {
		delete(subnetOf(named(t, res, azuretype.VNet, spokeVNet), "snet-aks-nodes"), "routeTable")
	}, "node subnet snet-aks-nodes does not route 0.0.0.0/0 to the firewall"},
	{"egress-through-firewall", "default-route-in-another-table", "dev", func(t *testing.T, res *mocktest.Result) {
		res.First(azuretype.Route).PropertyDependencies["routeTableName"] = nil
	}, "node subnet snet-aks-nodes does not route 0.0.0.0/0 to the firewall"},
	{"egress-through-firewall", "system-pool-subnet", "dev", func(t *testing.T, res *mocktest.Result) {
		pool := systemPool(res)
		pool["vnetSubnetID"] = resource.NewStringProperty(inPESubnet(pool["vnetSubnetID"].StringValue()))
	}, "node subnet snet-private-endpoints does not route 0.0.0.0/0 to the firewall"},
	{"egress-through-firewall", "user-pool-subnet", "dev", func(t *testing.T, res *mocktest.Result) {
		pool := res.First(azuretype.AgentPool)
		set(pool, inPESubnet(mocktest.Str(pool.Inputs, "vnetSubnetID")), "vnetSubnetID")
	}, "node subnet snet-private-endpoints does not route 0.0.0.0/0 to the firewall"},

	// cluster-waits-for-egress
	{"cluster-waits-for-egress", "peering", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutDependency(res.First(azuretype.ManagedCluster), byName(t, res, "peering-hub-to-spoke"))
	}, "the cluster does not wait for urn:pulumi:dev::hubspoke::hubspoke:peering:Peering$azure-native:network:VirtualNetworkPeering::peering-hub-to-spoke"},
	{"cluster-waits-for-egress", "default-route", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutDependency(res.First(azuretype.ManagedCluster), res.First(azuretype.Route))
	}, "the cluster does not wait for urn:pulumi:dev::hubspoke::hubspoke:firewall:Firewall$azure-native:network:Route::firewall-default-route"},
	{"cluster-waits-for-egress", "rule-collection-group", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutDependency(res.First(azuretype.ManagedCluster), byName(t, res, "firewall-application-rules"))
	}, "the cluster does not wait for urn:pulumi:dev::hubspoke::hubspoke:firewall:Firewall$azure-native:network:FirewallPolicyRuleCollectionGroup::firewall-application-rules"},
	{"cluster-waits-for-egress", "identity-role-assignment", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutDependency(res.First(azuretype.ManagedCluster), byName(t, res, "cluster-network-contributor-rt"))
	}, "the cluster does not wait for urn:pulumi:dev::hubspoke::hubspoke:spoke:Cluster$azure-native:authorization:RoleAssignment::cluster-network-contributor-rt"},

	// no-concurrent-operations
	{"no-concurrent-operations", "peering-and-firewall", "dev", func(t *testing.T, res *mocktest.Result) {
		for _, p := range res.OfType(azuretype.Peering) {
			withoutDependency(res.First(azuretype.Firewall), p)
		}
	}, "urn:pulumi:dev::hubspoke::hubspoke:peering:Peering$azure-native:network:VirtualNetworkPeering::peering-hub-to-spoke and " +
		"urn:pulumi:dev::hubspoke::hubspoke:firewall:Firewall$azure-native:network:AzureFirewall::firewall " +
		"operate on VNet vnet-hubspoke-dev-hub and neither waits for the other (AnotherOperationInProgress)"},
	{"no-concurrent-operations", "two-peerings", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutDependency(byName(t, res, "peering-spoke-to-hub"), byName(t, res, "peering-hub-to-spoke"))
	}, "urn:pulumi:dev::hubspoke::hubspoke:peering:Peering$azure-native:network:VirtualNetworkPeering::peering-hub-to-spoke and " +
		"urn:pulumi:dev::hubspoke::hubspoke:peering:Peering$azure-native:network:VirtualNetworkPeering::peering-spoke-to-hub " +
		"operate on VNet vnet-hubspoke-dev-hub and neither waits for the other (AnotherOperationInProgress)"},
	{"no-concurrent-operations", "nic-and-peering", "dev", func(t *testing.T, res *mocktest.Result) {
		for _, p := range res.OfType(azuretype.Peering) {
			withoutDependency(res.First(azuretype.NIC), p)
		}
	}, "urn:pulumi:dev::hubspoke::hubspoke:peering:Peering$azure-native:network:VirtualNetworkPeering::peering-hub-to-spoke and " +
		"urn:pulumi:dev::hubspoke::hubspoke:hub:Access$azure-native:network:NetworkInterface::hub-jumpbox-nic " +
		"operate on VNet vnet-hubspoke-dev-hub and neither waits for the other (AnotherOperationInProgress)"},
	{"no-concurrent-operations", "two-rule-collection-groups", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutDependency(byName(t, res, "firewall-application-rules"), byName(t, res, "firewall-network-rules"))
	}, "urn:pulumi:dev::hubspoke::hubspoke:firewall:Firewall$azure-native:network:FirewallPolicyRuleCollectionGroup::firewall-network-rules and " +
		"urn:pulumi:dev::hubspoke::hubspoke:firewall:Firewall$azure-native:network:FirewallPolicyRuleCollectionGroup::firewall-application-rules " +
		"operate on firewall policy afwp-hubspoke-dev-hub and neither waits for the other (AnotherOperationInProgress)"},
	{"no-concurrent-operations", "firewall-and-rule-collection-group", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutDependency(res.First(azuretype.Firewall), byName(t, res, "firewall-application-rules"))
	}, "urn:pulumi:dev::hubspoke::hubspoke:firewall:Firewall$azure-native:network:FirewallPolicyRuleCollectionGroup::firewall-application-rules and " +
		"urn:pulumi:dev::hubspoke::hubspoke:firewall:Firewall$azure-native:network:AzureFirewall::firewall " +
		"operate on firewall policy afwp-hubspoke-dev-hub and neither waits for the other (AnotherOperationInProgress)"},

	// standard-tags
	{"standard-tags", "no-tags", "dev", func(t *testing.T, res *mocktest.Result) {
		set(named(t, res, azuretype.VNet, spokeVNet), nil, "tags")
	}, "urn:pulumi:dev::hubspoke::hubspoke:spoke:Spoke$azure-native:network:VirtualNetwork::spoke-vnet: lacks the environment and managedBy: pulumi tags"},
	{"standard-tags", "no-environment", "dev", func(t *testing.T, res *mocktest.Result) {
		set(named(t, res, azuretype.VNet, spokeVNet), nil, "tags", "environment")
	}, "urn:pulumi:dev::hubspoke::hubspoke:spoke:Spoke$azure-native:network:VirtualNetwork::spoke-vnet: lacks the environment and managedBy: pulumi tags"},
	{"standard-tags", "managed-by-other", "dev", func(t *testing.T, res *mocktest.Result) {
		set(named(t, res, azuretype.VNet, spokeVNet), "terraform", "tags", "managedBy")
	}, "urn:pulumi:dev::hubspoke::hubspoke:spoke:Spoke$azure-native:network:VirtualNetwork::spoke-vnet: lacks the environment and managedBy: pulumi tags"},

	// cluster-private
	{"cluster-private", "public-endpoint", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), false, "apiServerAccessProfile", "enablePrivateCluster")
	}, "the API server has a public endpoint or FQDN"},
	{"cluster-private", "public-fqdn", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), true, "apiServerAccessProfile", "enablePrivateClusterPublicFQDN")
	}, "the API server has a public endpoint or FQDN"},

	// cluster-entra-azure-rbac
	{"cluster-entra-azure-rbac", "azure-rbac-off", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), false, "aadProfile", "enableAzureRBAC")
	}, "the cluster does not authorize through Entra ID and Azure RBAC"},
	{"cluster-entra-azure-rbac", "not-managed-entra", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), false, "aadProfile", "managed")
	}, "the cluster does not authorize through Entra ID and Azure RBAC"},

	// cluster-no-local-accounts
	{"cluster-no-local-accounts", "local-accounts", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), false, "disableLocalAccounts")
	}, "the cluster keeps local accounts"},

	// cluster-network-policy
	{"cluster-network-policy", "unset", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), nil, "networkProfile", "networkPolicy")
	}, "the cluster enforces no network policy"},
	{"cluster-network-policy", "none", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), "none", "networkProfile", "networkPolicy")
	}, "the cluster enforces no network policy"},

	// cluster-azure-policy-addon
	{"cluster-azure-policy-addon", "addon-off", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), false, "addonProfiles", "azurepolicy", "enabled")
	}, "the cluster runs without the Azure Policy add-on"},

	// cluster-sla-in-production: dev runs Free; tagged prod, it must not.
	{"cluster-sla-in-production", "free-tier-tagged-prod", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), "prod", "tags", "environment")
	}, "a production cluster runs without the uptime SLA (sku.tier Standard or Premium)"},
	{"cluster-sla-in-production", "no-sku-tagged-prod", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), "prod", "tags", "environment")
		set(res.First(azuretype.ManagedCluster), nil, "sku")
	}, "a production cluster runs without the uptime SLA (sku.tier Standard or Premium)"},

	// maintenance-windows-in-production: dev with both windows (patch and NodeImage channels),
	// tagged prod, each window in turn renamed away.
	{"maintenance-windows-in-production", "auto-upgrade-window-missing", "dev-maintenance", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), "prod", "tags", "environment")
		set(res.OfType(azuretype.MaintenanceConfig)[0], "default", "name")
	}, "the patch auto-upgrade channel has no window (aksManagedAutoUpgradeSchedule)"},
	{"maintenance-windows-in-production", "node-os-window-missing", "dev-maintenance", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), "prod", "tags", "environment")
		set(res.OfType(azuretype.MaintenanceConfig)[1], "default", "name")
	}, "the NodeImage node OS channel has no window (aksManagedNodeOSUpgradeSchedule)"},

	// pools-upgrade-settings: each setting, on the inline system pool and the AgentPool (user).
	{"pools-upgrade-settings", "system-surge-unset", "dev", func(t *testing.T, res *mocktest.Result) {
		delete(systemPool(res)["upgradeSettings"].ObjectValue(), "maxSurge")
	}, "pool system leaves its upgrade surge to AKS"},
	{"pools-upgrade-settings", "system-drain-unset", "dev", func(t *testing.T, res *mocktest.Result) {
		delete(systemPool(res)["upgradeSettings"].ObjectValue(), "drainTimeoutInMinutes")
	}, "pool system leaves its node drain timeout to AKS"},
	{"pools-upgrade-settings", "user-surge-unset", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), nil, "upgradeSettings", "maxSurge")
	}, "pool user leaves its upgrade surge to AKS"},
	{"pools-upgrade-settings", "user-drain-unset", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), nil, "upgradeSettings", "drainTimeoutInMinutes")
	}, "pool user leaves its node drain timeout to AKS"},

	// pools-os-disk: the inline system pool and the AgentPool (user); dev's Standard_D4ds_v5 has a
	// 150 GiB temp disk (Microsoft Learn, Ddsv5 series, checked 2026-12-06).
	{"pools-os-disk", "system-type-unset", "dev", func(t *testing.T, res *mocktest.Result) {
		delete(systemPool(res), "osDiskType")
	}, "pool system leaves its OS disk type to AKS"},
	{"pools-os-disk", "user-size-unset", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), nil, "osDiskSizeGB")
	}, "pool user leaves its OS disk size to AKS"},
	{"pools-os-disk", "system-disk-larger-than-temp-disk", "dev", func(t *testing.T, res *mocktest.Result) {
		systemPool(res)["osDiskSizeGB"] = resource.NewNumberProperty(151)
	}, "pool system: VMCannotFitEphemeralOSDisk: the OS disk of 151 GiB does not fit the 150 GiB temp disk of Standard_D4ds_v5"},

	// encryption-at-host: the inline system pool, the AgentPool (user) and a VM (the jump box).
	{"encryption-at-host", "system-pool-off", "dev", func(t *testing.T, res *mocktest.Result) {
		systemPool(res)["enableEncryptionAtHost"] = resource.NewBoolProperty(false)
	}, "pool system does not encrypt at host"},
	{"encryption-at-host", "user-pool-unset", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), nil, "enableEncryptionAtHost")
	}, "pool user does not encrypt at host"},
	{"encryption-at-host", "vm-off", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.VM), false, "securityProfile", "encryptionAtHost")
	}, "the VM does not encrypt at host"},

	// pools-autoscale: the cluster's inline system pool and the AgentPool resource (user).
	{"pools-autoscale", "system-autoscale-off", "dev", func(t *testing.T, res *mocktest.Result) {
		systemPool(res)["enableAutoScaling"] = resource.NewBoolProperty(false)
	}, "pool system does not autoscale within 1 <= min <= max <= 1000"},
	{"pools-autoscale", "user-autoscale-off", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), false, "enableAutoScaling")
	}, "pool user does not autoscale within 0 <= min <= max <= 1000"},
	{"pools-autoscale", "system-min-below-1", "dev", func(t *testing.T, res *mocktest.Result) {
		systemPool(res)["minCount"] = resource.NewNumberProperty(0)
	}, "pool system does not autoscale within 1 <= min <= max <= 1000"},
	{"pools-autoscale", "user-min-below-0", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), -1, "minCount")
	}, "pool user does not autoscale within 0 <= min <= max <= 1000"},
	{"pools-autoscale", "user-min-missing", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), nil, "minCount")
	}, "pool user does not autoscale within 0 <= min <= max <= 1000"},
	{"pools-autoscale", "system-max-missing", "dev", func(t *testing.T, res *mocktest.Result) {
		delete(systemPool(res), "maxCount")
	}, "pool system does not autoscale within 1 <= min <= max <= 1000"},
	{"pools-autoscale", "user-max-missing", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), nil, "maxCount")
	}, "pool user does not autoscale within 0 <= min <= max <= 1000"},
	{"pools-autoscale", "system-max-below-min", "dev", func(t *testing.T, res *mocktest.Result) {
		systemPool(res)["maxCount"] = resource.NewNumberProperty(1) // min is 2
	}, "pool system does not autoscale within 1 <= min <= max <= 1000"},
	{"pools-autoscale", "user-max-below-min", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), 0, "maxCount") // min is 1
	}, "pool user does not autoscale within 0 <= min <= max <= 1000"},
	{"pools-autoscale", "user-max-zero", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), 0, "minCount")
		set(res.First(azuretype.AgentPool), 0, "maxCount")
	}, "pool user does not autoscale within 0 <= min <= max <= 1000"},
	{"pools-autoscale", "system-max-above-1000", "dev", func(t *testing.T, res *mocktest.Result) {
		systemPool(res)["maxCount"] = resource.NewNumberProperty(1001)
	}, "pool system does not autoscale within 1 <= min <= max <= 1000"},
	{"pools-autoscale", "user-max-above-1000", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), 1001, "maxCount")
	}, "pool user does not autoscale within 0 <= min <= max <= 1000"},
	{"pools-autoscale", "system-node-public-ip", "dev", func(t *testing.T, res *mocktest.Result) {
		systemPool(res)["enableNodePublicIP"] = resource.NewBoolProperty(true)
	}, "pool system gives nodes public IPs"},
	{"pools-autoscale", "user-node-public-ip", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), true, "enableNodePublicIP")
	}, "pool user gives nodes public IPs"},

	// nsg-no-ssh-rdp-from-anywhere
	{"nsg-no-ssh-rdp-from-anywhere", "ssh-from-internet", "dev", nsgRule(map[string]any{
		"name": "ssh", "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "Internet", "destinationPortRange": "22"}),
		"rule ssh admits SSH or RDP from anywhere"},
	{"nsg-no-ssh-rdp-from-anywhere", "rdp-from-internet", "dev", nsgRule(map[string]any{
		"name": "rdp", "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "Internet", "destinationPortRange": "3389"}),
		"rule rdp admits SSH or RDP from anywhere"},
	{"nsg-no-ssh-rdp-from-anywhere", "port-range", "dev", nsgRule(map[string]any{
		"name": "low-ports", "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "Internet", "destinationPortRange": "20-25"}),
		"rule low-ports admits SSH or RDP from anywhere"},
	{"nsg-no-ssh-rdp-from-anywhere", "port-ranges", "dev", nsgRule(map[string]any{
		"name": "web-and-rdp", "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "Internet", "destinationPortRanges": []any{"443", "3389"}}),
		"rule web-and-rdp admits SSH or RDP from anywhere"},
	{"nsg-no-ssh-rdp-from-anywhere", "source-star", "dev", nsgRule(map[string]any{
		"name": "ssh-star", "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "*", "destinationPortRange": "22"}),
		"rule ssh-star admits SSH or RDP from anywhere"},
	{"nsg-no-ssh-rdp-from-anywhere", "source-all-addresses", "dev", nsgRule(map[string]any{
		"name": "ssh-all", "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "0.0.0.0/0", "destinationPortRange": "22"}),
		"rule ssh-all admits SSH or RDP from anywhere"},
	{"nsg-no-ssh-rdp-from-anywhere", "source-any", "dev", nsgRule(map[string]any{
		"name": "ssh-any", "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "Any", "destinationPortRange": "22"}),
		"rule ssh-any admits SSH or RDP from anywhere"},
	{"nsg-no-ssh-rdp-from-anywhere", "source-prefixes", "dev", nsgRule(map[string]any{
		"name": "ssh-prefixes", "direction": "Inbound", "access": "Allow", "sourceAddressPrefixes": []any{"10.0.0.0/8", "0.0.0.0/0"}, "destinationPortRange": "22"}),
		"rule ssh-prefixes admits SSH or RDP from anywhere"},

	// vm-ssh-keys-only
	{"vm-ssh-keys-only", "admin-password", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.VM), "P@ssw0rd!", "osProfile", "adminPassword")
	}, "the VM accepts a password"},
	{"vm-ssh-keys-only", "password-authentication-on", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.VM), false, "osProfile", "linuxConfiguration", "disablePasswordAuthentication")
	}, "the VM accepts a password"},

	// firewall-no-catch-all
	{"firewall-no-catch-all", "any-address-any-port", "dev", firewallRule("firewall-network-rules", map[string]any{
		"name": "any", "ruleType": "NetworkRule", "destinationAddresses": []any{"*"}, "destinationPorts": []any{"*"}}),
		"rule any allows any destination on any port"},
	{"firewall-no-catch-all", "any-fqdn", "dev", firewallRule("firewall-network-rules", map[string]any{
		"name": "any-fqdn", "ruleType": "NetworkRule", "destinationFqdns": []any{"*"}, "destinationPorts": []any{"*"}}),
		"rule any-fqdn allows any destination on any port"},
	{"firewall-no-catch-all", "no-ports", "dev", firewallRule("firewall-network-rules", map[string]any{
		"name": "no-ports", "ruleType": "NetworkRule", "destinationAddresses": []any{"*"}}),
		"rule no-ports allows any destination on any port"},
	{"firewall-no-catch-all", "ports-1-65535", "dev", firewallRule("firewall-network-rules", map[string]any{
		"name": "all-ports", "ruleType": "NetworkRule", "destinationAddresses": []any{"*"}, "destinationPorts": []any{"1-65535"}}),
		"rule all-ports allows any destination on any port"},
	{"firewall-no-catch-all", "ports-0-65535", "dev", firewallRule("firewall-network-rules", map[string]any{
		"name": "all-ports-0", "ruleType": "NetworkRule", "destinationAddresses": []any{"*"}, "destinationPorts": []any{"0-65535"}}),
		"rule all-ports-0 allows any destination on any port"},
	{"firewall-no-catch-all", "application-any-fqdn", "dev", firewallRule("firewall-application-rules", map[string]any{
		"name": "any-site", "ruleType": "ApplicationRule", "targetFqdns": []any{"*"}, "sourceAddresses": []any{"10.1.0.0/22"},
		"protocols": []any{map[string]any{"port": 443, "protocolType": "Https"}}}),
		"rule any-site allows any destination on any port"},

	// subnets-have-nsgs
	{"subnets-have-nsgs", "subnet-without-nsg", "dev", func(t *testing.T, res *mocktest.Result) {
		delete(subnetOf(named(t, res, azuretype.VNet, hubVNet), "snet-jumpbox"), "networkSecurityGroup")
	}, "subnet snet-jumpbox has no NSG"},

	// public-ips-only-firewall-bastion
	{"public-ips-only-firewall-bastion", "stray-public-ip", "dev", func(t *testing.T, res *mocktest.Result) {
		res.Resources = append(res.Resources, &mocktest.Registered{Type: azuretype.PublicIP, Custom: true, URN: "urn:pulumi:dev::hubspoke::azure-native:network:PublicIPAddress::vm-pip",
			Inputs: resource.PropertyMap{}, State: resource.NewPropertyMapFromMap(map[string]any{"name": "pip-of-a-vm"})})
	}, "urn:pulumi:dev::hubspoke::azure-native:network:PublicIPAddress::vm-pip: a public IP of neither the firewall nor Bastion"},
	{"public-ips-only-firewall-bastion", "nic-public-ip", "dev", func(t *testing.T, res *mocktest.Result) {
		mocktest.At(res.First(azuretype.NIC).State, "ipConfigurations", 0).ObjectValue()["publicIPAddress"] = resource.NewPropertyValue(map[string]any{
			"id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-hubspoke-dev-hub/providers/Microsoft.Network/publicIPAddresses/pip-jumpbox"})
	}, "urn:pulumi:dev::hubspoke::hubspoke:hub:Access$azure-native:network:NetworkInterface::hub-jumpbox-nic: the NIC has a public IP"},

	// routed-subnets-name-their-sources: the AKS subnet's NSG and the jump box's, both routed.
	{"routed-subnets-name-their-sources", "aks-vnet-tag", "dev", func(t *testing.T, res *mocktest.Result) {
		rule := mocktest.At(named(t, res, azuretype.NSG, "nsg-hubspoke-dev-aks").Inputs, "securityRules", 0).ObjectValue()
		delete(rule, "sourceAddressPrefixes")
		rule["sourceAddressPrefix"] = resource.NewStringProperty("VirtualNetwork")
	}, "urn:pulumi:dev::hubspoke::hubspoke:spoke:Spoke$azure-native:network:NetworkSecurityGroup::spoke-aks-nsg: rule allow-vnets-inbound admits the VirtualNetwork tag on subnet snet-aks-nodes, which routes 0.0.0.0/0: the tag then covers every address"},
	{"routed-subnets-name-their-sources", "jumpbox-vnet-tag-among-several", "dev", func(t *testing.T, res *mocktest.Result) {
		rule := mocktest.At(named(t, res, azuretype.NSG, jumpbox).Inputs, "securityRules", 0).ObjectValue()
		delete(rule, "sourceAddressPrefix")
		rule["sourceAddressPrefixes"] = resource.NewPropertyValue([]any{"10.0.3.0/26", "virtualnetwork"})
	}, "rule allow-ssh-from-bastion admits the VirtualNetwork tag on subnet snet-jumpbox"},

	// logs-reach-workspace
	{"logs-reach-workspace", "firewall-no-diagnostics", "dev", func(t *testing.T, res *mocktest.Result) {
		drop(res, func(r *mocktest.Registered) bool { return r.Name == "firewall-diagnostics" })
	}, "the firewall sends no structured logs to the workspace"},
	{"logs-reach-workspace", "firewall-not-dedicated", "dev", func(t *testing.T, res *mocktest.Result) {
		set(byName(t, res, "firewall-diagnostics"), "AzureDiagnostics", "logAnalyticsDestinationType")
	}, "the firewall sends no structured logs to the workspace"},
	{"logs-reach-workspace", "cluster-no-diagnostics", "dev", func(t *testing.T, res *mocktest.Result) {
		drop(res, func(r *mocktest.Registered) bool { return r.Name == "cluster-diagnostics" })
	}, "the cluster sends no audit and guard logs to the workspace"},
	{"logs-reach-workspace", "cluster-no-audit", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutItem(byName(t, res, "cluster-diagnostics"), "logs", "category", "kube-audit-admin")
	}, "the cluster sends no audit and guard logs to the workspace"},
	{"logs-reach-workspace", "cluster-no-guard", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutItem(byName(t, res, "cluster-diagnostics"), "logs", "category", "guard")
	}, "the cluster sends no audit and guard logs to the workspace"},
	{"logs-reach-workspace", "vault-no-diagnostics", "dev", func(t *testing.T, res *mocktest.Result) {
		drop(res, func(r *mocktest.Registered) bool { return r.Name == "vault-diagnostics" })
	}, "the vault sends no audit events to the workspace"},
	{"logs-reach-workspace", "registry-no-login-events", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutItem(byName(t, res, "registry-diagnostics"), "logs", "category", "ContainerRegistryLoginEvents")
	}, "the registry sends no login and repository events to the workspace"},
	{"logs-reach-workspace", "registry-no-repository-events", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutItem(byName(t, res, "registry-diagnostics"), "logs", "category", "ContainerRegistryRepositoryEvents")
	}, "the registry sends no login and repository events to the workspace"},
	{"logs-reach-workspace", "nsg-no-diagnostics", "dev", func(t *testing.T, res *mocktest.Result) {
		drop(res, func(r *mocktest.Registered) bool { return r.Name == "spoke-aks-nsg-diagnostics" })
	}, "urn:pulumi:dev::hubspoke::hubspoke:spoke:Spoke$azure-native:network:NetworkSecurityGroup::spoke-aks-nsg: the NSG sends no logs to the workspace"},
	{"logs-reach-workspace", "nsg-logs-elsewhere", "dev", func(t *testing.T, res *mocktest.Result) {
		byName(t, res, "spoke-aks-nsg-diagnostics").PropertyDependencies["workspaceId"] = nil
	}, "urn:pulumi:dev::hubspoke::hubspoke:spoke:Spoke$azure-native:network:NetworkSecurityGroup::spoke-aks-nsg: the NSG sends no logs to the workspace"},
}

// brokenTwinPolicies are the policies the twins break, each once.
func brokenTwinPolicies() []string {
	var names []string
	for _, b := range brokenTwins {
		names = append(names, b.policy)
	}
	return slices.Compact(slices.Sorted(slices.Values(names)))
}

func TestEachPolicyCatchesItsBrokenTwin(t *testing.T) {
	policies := map[string]policyx.Policy{}
	for _, p := range policy.Policies() {
		policies[p.Name()] = p
	}
	seen := map[string]bool{}
	for _, b := range brokenTwins {
		name := b.policy + "/" + b.branch
		require.False(t, seen[name], "two twins are named %s", name)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			p, ok := policies[b.policy]
			require.True(t, ok, "no policy %s", b.policy)
			res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, variantEdit(b.variant)))
			require.NoError(t, err)
			require.Empty(t, check(t, p, res), "the unbroken %s passes", b.variant)
			b.breach(t, res)
			violations := check(t, p, res)
			require.NotEmpty(t, violations, "the policy catches the breach")
			assert.Contains(t, strings.Join(violations, "\n"), b.want)
		})
	}
}

// variantEdit is the config edit of a dev variant ("dev" is the dev stack as shipped).
func variantEdit(name string) func(map[string]any) {
	if name == "dev" {
		return func(map[string]any) {}
	}
	edit, ok := variantEdits[name]
	if !ok {
		panic("no variant " + name)
	}
	return edit
}

// The AKS versions listing of westeurope on the day aksSupport was checked, in the shape of
// `az aks get-versions -o json` (internal/aksversions/testdata; see its test for provenance).
const aksListing = "../internal/aksversions/testdata/westeurope.json"

// kubernetes-version-window accepts exactly the minors that listing offers generally available
// with standard support (KubernetesOfficial, not preview), for a cluster and for an agent pool:
// a table that admits an LTS-only or preview minor, or drops a supported one, fails here.
func TestKubernetesVersionWindowAgreesWithTheAKSListing(t *testing.T) {
	data, err := os.ReadFile(aksListing)
	require.NoError(t, err)
	var listing struct {
		Values []struct {
			Version       string         `json:"version"`
			IsPreview     bool           `json:"isPreview"`
			PatchVersions map[string]any `json:"patchVersions"`
			Capabilities  struct {
				SupportPlan []string `json:"supportPlan"`
			} `json:"capabilities"`
		} `json:"values"`
	}
	require.NoError(t, json.Unmarshal(data, &listing))
	standard := map[string]bool{} // minor: offered GA with standard support
	var versions []string         // every minor and patch the listing names
	for _, v := range listing.Values {
		standard[v.Version] = !v.IsPreview && slices.Contains(v.Capabilities.SupportPlan, "KubernetesOfficial")
		versions = append(versions, v.Version)
		for patch := range v.PatchVersions {
			versions = append(versions, patch)
		}
	}
	// The listing's own verdicts, as the AKS release calendar gave them that day.
	require.Equal(t, map[string]bool{"1.33": false, "1.34": true, "1.35": true, "1.36": true, "1.37": false}, standard,
		"the listing changed: refresh aksSupport and this expectation together")
	// Minors the listing does not name are refused too.
	for minor := 20; minor <= 45; minor++ {
		versions = append(versions, fmt.Sprintf("1.%d", minor))
	}
	var window policyx.Policy
	for _, p := range policy.Policies() {
		if p.Name() == "kubernetes-version-window" {
			window = p
		}
	}
	require.NotNil(t, window)
	for _, version := range versions {
		parts := strings.Split(version, ".")
		accepted := standard[parts[0]+"."+parts[1]]
		cluster := &mocktest.Registered{Type: azuretype.ManagedCluster, Custom: true, URN: "urn:pulumi:dev::hubspoke::azure-native:containerservice/v20241001:ManagedCluster::cluster",
			Inputs: resource.NewPropertyMapFromMap(map[string]any{"kubernetesVersion": version})}
		pool := &mocktest.Registered{Type: azuretype.AgentPool, Custom: true, URN: "urn:pulumi:dev::hubspoke::azure-native:containerservice/v20241001:AgentPool::user",
			Inputs: resource.NewPropertyMapFromMap(map[string]any{"orchestratorVersion": version})}
		for _, r := range []*mocktest.Registered{cluster, pool} {
			violations := check(t, window, &mocktest.Result{Resources: []*mocktest.Registered{r}})
			if accepted {
				assert.Empty(t, violations, "%s %s is GA with standard support", r.Type, version)
			} else {
				assert.NotEmpty(t, violations, "%s %s is not GA with standard support", r.Type, version)
			}
		}
	}
}
