package policy_test

import (
	"context"
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

// variants are the shipped stacks and the dev stack's other modes.
func variants(t *testing.T) map[string]*mocktest.Result {
	t.Helper()
	out := map[string]*mocktest.Result{}
	for _, name := range mocktest.StackNames(t) {
		out[name] = mocktest.RunStack(t, name)
	}
	edits := map[string]func(map[string]any){
		"dev-forwarder":       mocktest.DNSMode("forwarder"),
		"dev-privateResolver": mocktest.DNSMode("privateResolver"),
		"dev-basic":           mocktest.All(mocktest.Set("firewall", "sku", "Basic"), mocktest.Set("hub", "firewallManagementSubnet", "10.0.0.128/26")),
		"dev-nodeSubnet":      mocktest.All(mocktest.Set("aks", "cni", "nodeSubnet"), mocktest.Set("aks", "maxPods", 30)),
		"dev-gateway":         mocktest.All(mocktest.Set("hub", "gatewaySubnet", "10.0.0.192/27"), mocktest.Set("hub", "hasGateway", true)),
		"dev-admin-groups":    mocktest.Set("aks", "adminGroupObjectIds", []any{"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}),
	}
	for name, edit := range edits {
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
	assert.ElementsMatch(t, names, brokenTwinNames(), "every policy has a broken twin below")
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
)

// brokenTwins break one policy each the way a real mistake would, on the dev stack (or the
// variant named), and name the message expected.
var brokenTwins = []struct {
	policy, variant string
	breach          func(t *testing.T, res *mocktest.Result)
	want            string
}{
	{"nsg-rule-fields", "dev", func(t *testing.T, res *mocktest.Result) {
		rule := ruleOf(named(t, res, azuretype.NSG, bastion), "allow-https-inbound")
		delete(rule, "sourceAddressPrefix")
		rule["sourceAddressPrefixes"] = resource.NewPropertyValue([]any{"Internet"})
	}, `SecurityRuleParameterContainsUnsupportedValue: security rule allow-https-inbound: sourceAddressPrefixes holds "Internet"`},
	{"subnet-sizes", "dev", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "AzureFirewallSubnet")["addressPrefix"] = resource.NewStringProperty("10.0.0.0/27")
	}, "subnet AzureFirewallSubnet 10.0.0.0/27 is smaller than the /26 Azure requires"},
	{"no-nsg-on-firewall-subnets", "dev", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "AzureFirewallSubnet")["networkSecurityGroup"] = resource.NewPropertyValue(map[string]any{"id": "/nsg"})
	}, "subnet AzureFirewallSubnet carries an NSG"},
	{"no-route-table-on-bastion-subnet", "dev", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "AzureBastionSubnet")["routeTable"] = resource.NewPropertyValue(map[string]any{"id": "/rt"})
	}, "subnet AzureBastionSubnet carries a route table"},
	{"vnet-address-space", "dev", func(t *testing.T, res *mocktest.Result) {
		set(named(t, res, azuretype.VNet, spokeVNet), []any{"169.254.0.0/16"}, "addressSpace", "addressPrefixes")
	}, "address space 169.254.0.0/16 overlaps 169.254.0.0/16, which Azure refuses"},
	{"aks-reserved-ranges", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), "172.31.0.0/16", "networkProfile", "serviceCidr")
	}, "serviceCidr 172.31.0.0/16 overlaps 172.31.0.0/16, which AKS reserves"},
	{"system-pool", "dev", func(t *testing.T, res *mocktest.Result) {
		mocktest.At(res.First(azuretype.ManagedCluster).Inputs, "agentPoolProfiles", 0).ObjectValue()["maxPods"] = resource.NewNumberProperty(20)
	}, "system pool system runs 20 pods per node, fewer than the 30 a system pool needs"},
	{"kubernetes-version-window", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), "1.33", "kubernetesVersion")
	}, "Kubernetes 1.33 is outside the minors AKS supports (1.34, 1.35, 1.36, 1.37, table checked 2026-11-26)"},
	{"private-resolver-subnets", "dev-privateResolver", func(t *testing.T, res *mocktest.Result) {
		subnetOf(named(t, res, azuretype.VNet, hubVNet), "snet-dns-inbound")["addressPrefix"] = resource.NewStringProperty("10.0.3.0/28")
	}, "resolver subnet snet-dns-inbound 10.0.3.0/28 lies in 10.0.1.0-10.0.16.255"},
	{"firewall-policy-sku-features", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.FirewallPolicy), "Basic", "sku", "tier")
	}, "the DNS proxy is on, which the Basic SKU lacks"},
	{"firewall-basic-management-ip", "dev-basic", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.Firewall), nil, "managementIpConfiguration")
	}, "a Basic firewall without a management IP configuration"},
	{"registry-private", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.Registry), true, "adminUserEnabled")
	}, "the registry has an admin user with a shared password"},
	{"vault-private", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.Vault), false, "properties", "enableRbacAuthorization")
	}, "the vault authorizes with access policies, not Azure RBAC"},
	{"private-endpoints-in-endpoint-subnet", "dev", func(t *testing.T, res *mocktest.Result) {
		pe := res.First(azuretype.PrivateEndpoint)
		id := mocktest.Str(pe.Inputs, "subnet", "id")
		set(pe, strings.Replace(id, "snet-private-endpoints", "snet-aks-nodes", 1), "subnet", "id")
	}, "the private endpoint is in snet-aks-nodes, not snet-private-endpoints"},
	{"container-insights-data-collection", "dev", func(t *testing.T, res *mocktest.Result) {
		drop(res, func(r *mocktest.Registered) bool { return r.Type == azuretype.DataCollectionRuleLink })
	}, "Container Insights uses Entra ID auth but no data collection rule associated with the cluster streams ContainerInsights"},
	{"cluster-data-plane-admin", "dev", func(t *testing.T, res *mocktest.Result) {
		drop(res, func(r *mocktest.Registered) bool { return strings.HasSuffix(r.Name, "-rbac-cluster-admin-deployer") })
	}, "nobody can use kubectl"},
	{"private-resolver-endpoint-delegation", "dev-privateResolver", func(t *testing.T, res *mocktest.Result) {
		delete(subnetOf(named(t, res, azuretype.VNet, hubVNet), "snet-dns-inbound"), "delegations")
	}, "subnet snet-dns-inbound of vnet-hubspoke-dev-hub is not delegated to Microsoft.Network/dnsResolvers"},
	{"bastion-nsg-rules", "dev", func(t *testing.T, res *mocktest.Result) {
		nsg := named(t, res, azuretype.NSG, bastion)
		rules := slices.DeleteFunc(slices.Clone(mocktest.Items(nsg.Inputs, "securityRules")), func(r resource.PropertyValue) bool {
			return r.ObjectValue()["name"].StringValue() == "allow-gateway-manager-inbound"
		})
		set(nsg, resource.NewArrayProperty(rules), "securityRules")
	}, "no inbound rule allows GatewayManager to * on port 443"},
	{"egress-through-firewall", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.Route), "10.0.0.99", "nextHopIpAddress")
	}, `0.0.0.0/0 goes to VirtualAppliance "10.0.0.99", not the firewall's private IP [10.0.0.37]`},
	{"cluster-waits-for-egress", "dev", func(t *testing.T, res *mocktest.Result) {
		withoutDependency(res.First(azuretype.ManagedCluster), res.First(azuretype.Peering))
	}, "the cluster does not wait for urn:pulumi:dev::hubspoke::hubspoke:peering:Peering$azure-native:network:VirtualNetworkPeering::peering-hub-to-spoke"},
	{"no-concurrent-operations", "dev", func(t *testing.T, res *mocktest.Result) {
		for _, p := range res.OfType(azuretype.Peering) {
			withoutDependency(res.First(azuretype.Firewall), p)
		}
	}, "operate on VNet vnet-hubspoke-dev-hub and neither waits for the other"},
	{"standard-tags", "dev", func(t *testing.T, res *mocktest.Result) {
		set(named(t, res, azuretype.VNet, spokeVNet), nil, "tags")
	}, "lacks the environment and managedBy: pulumi tags"},
	{"cluster-private", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), false, "apiServerAccessProfile", "enablePrivateCluster")
	}, "the API server has a public endpoint or FQDN"},
	{"cluster-entra-azure-rbac", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), false, "aadProfile", "enableAzureRBAC")
	}, "the cluster does not authorize through Entra ID and Azure RBAC"},
	{"cluster-no-local-accounts", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), false, "disableLocalAccounts")
	}, "the cluster keeps local accounts"},
	{"cluster-network-policy", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), nil, "networkProfile", "networkPolicy")
	}, "the cluster enforces no network policy"},
	{"cluster-azure-policy-addon", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.ManagedCluster), false, "addonProfiles", "azurepolicy", "enabled")
	}, "the cluster runs without the Azure Policy add-on"},
	{"pools-autoscale", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.AgentPool), 0, "maxCount")
	}, "pool user does not autoscale within 0 <= min <= max <= 1000"},
	{"nsg-no-ssh-rdp-from-anywhere", "dev", func(t *testing.T, res *mocktest.Result) {
		appendTo(named(t, res, azuretype.NSG, "nsg-hubspoke-dev-jumpbox").Inputs, "securityRules", map[string]any{
			"name": "ssh", "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "Internet", "destinationPortRange": "22"})
	}, "rule ssh admits SSH or RDP from anywhere"},
	{"vm-ssh-keys-only", "dev", func(t *testing.T, res *mocktest.Result) {
		set(res.First(azuretype.VM), "P@ssw0rd!", "osProfile", "adminPassword")
	}, "the VM accepts a password"},
	{"firewall-no-catch-all", "dev", func(t *testing.T, res *mocktest.Result) {
		appendTo(mocktest.At(res.First(azuretype.RuleCollectionGroup).Inputs, "ruleCollections", 0).ObjectValue(), "rules", map[string]any{
			"name": "any", "ruleType": "NetworkRule", "destinationAddresses": []any{"*"}, "destinationPorts": []any{"*"}})
	}, "rule any allows any destination on any port"},
	{"subnets-have-nsgs", "dev", func(t *testing.T, res *mocktest.Result) {
		delete(subnetOf(named(t, res, azuretype.VNet, hubVNet), "snet-jumpbox"), "networkSecurityGroup")
	}, "subnet snet-jumpbox has no NSG"},
	{"public-ips-only-firewall-bastion", "dev", func(t *testing.T, res *mocktest.Result) {
		res.Resources = append(res.Resources, &mocktest.Registered{Type: azuretype.PublicIP, Custom: true, URN: "urn:pulumi:dev::hubspoke::azure-native:network:PublicIPAddress::vm-pip",
			Inputs: resource.PropertyMap{}, State: resource.NewPropertyMapFromMap(map[string]any{"name": "pip-of-a-vm"})})
	}, "a public IP of neither the firewall nor Bastion"},
	{"logs-reach-workspace", "dev", func(t *testing.T, res *mocktest.Result) {
		cluster := res.First(azuretype.ManagedCluster)
		drop(res, func(r *mocktest.Registered) bool {
			return r.Type == azuretype.DiagnosticSetting && slices.Contains(r.PropertyDependencies["resourceUri"], cluster.URN)
		})
	}, "the cluster sends no audit and guard logs to the workspace"},
}

func brokenTwinNames() []string {
	var names []string
	for _, b := range brokenTwins {
		names = append(names, b.policy)
	}
	return names
}

func TestEachPolicyCatchesItsBrokenTwin(t *testing.T) {
	byName := map[string]policyx.Policy{}
	for _, p := range policy.Policies() {
		byName[p.Name()] = p
	}
	for _, b := range brokenTwins {
		t.Run(b.policy, func(t *testing.T) {
			p, ok := byName[b.policy]
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

// variantEdit is the config edit of a dev variant.
func variantEdit(name string) func(map[string]any) {
	switch name {
	case "dev-privateResolver":
		return mocktest.DNSMode("privateResolver")
	case "dev-basic":
		return mocktest.All(mocktest.Set("firewall", "sku", "Basic"), mocktest.Set("hub", "firewallManagementSubnet", "10.0.0.128/26"))
	}
	return func(map[string]any) {}
}
