package settings_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/mocktest"
	"github.com/hubspoke/private-aks/settings"
)

// The config rules, each a key-named error before any resource is registered: the whole program
// runs under mocks so that "nothing is registered" is checked too.

// tagNameRule is the rule a tag name breaks, as the error states it.
const tagNameRule = "tag name must be 1-512 letters, digits, '.', '-' or '_', from a letter to a letter, digit or '_' (what Azure DNS, the strictest, takes)"

// numberedTags are n distinct tags.
func numberedTags(n int) map[string]any {
	tags := map[string]any{}
	for i := range n {
		tags[fmt.Sprintf("tag%02d", i)] = "x"
	}
	return tags
}

func TestInvalidConfigIsRejectedByKeyBeforeAnyResource(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]any)
		want []string
	}{
		{"spoke overlaps hub", mocktest.Set("spoke", "addressSpace", "10.0.0.0/16"),
			[]string{"spoke.addressSpace: 10.0.0.0/16 overlaps hub.addressSpace 10.0.0.0/16"}},
		{"service range overlaps spoke", mocktest.All(mocktest.Set("aks", "serviceCidr", "10.1.0.0/16"), mocktest.Set("aks", "dnsServiceIP", "10.1.0.10")),
			[]string{"aks.serviceCidr: 10.1.0.0/16 overlaps spoke.addressSpace 10.1.0.0/16"}},
		{"pod range overlaps hub", mocktest.Set("aks", "podCidr", "10.0.0.0/14"),
			[]string{"aks.podCidr: 10.0.0.0/14 overlaps hub.addressSpace 10.0.0.0/16"}},
		{"subnet outside its VNet", mocktest.Set("spoke", "aksSubnet", "10.2.0.0/22"),
			[]string{"spoke.aksSubnet: 10.2.0.0/22 is outside spoke.addressSpace 10.1.0.0/16"}},
		{"overlapping subnets", mocktest.Set("hub", "jumpBoxSubnet", "10.0.0.32/28"),
			[]string{"hub.jumpBoxSubnet: 10.0.0.32/28 overlaps hub.firewallSubnet 10.0.0.0/26"}},
		{"firewall subnet smaller than /26", mocktest.Set("hub", "firewallSubnet", "10.0.0.0/27"),
			[]string{"hub.firewallSubnet: 10.0.0.0/27 is smaller than the /26 Azure requires"}},
		{"node subnet too small for pods without overlay",
			mocktest.All(mocktest.Set("aks", "cni", "nodeSubnet"), mocktest.Set("aks", "maxPods", 30), mocktest.Set("aks", "nodeCount", 3), mocktest.Set("aks", "nodeMaxCount", 3),
				mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 1, "maxCount": 2}), mocktest.Set("spoke", "aksSubnet", "10.1.0.0/26")),
			[]string{"spoke.aksSubnet: 10.1.0.0/26 holds 59 usable addresses, 5 nodes at the pools' maxima (+2 upgrade surge) x (30 max pods + 1 node IP) need 217"}},
		{"node subnet too small for nodes with overlay", mocktest.Set("spoke", "aksSubnet", "10.1.0.0/29"),
			[]string{"spoke.aksSubnet: 10.1.0.0/29 holds 3 usable addresses, 6 nodes at the pools' maxima (+2 upgrade surge) need 8"}},
		{"autoscaler maximum below the minimum", mocktest.All(mocktest.Set("aks", "nodeCount", 4), mocktest.Set("aks", "nodeMaxCount", 3)),
			[]string{"aks.nodeMaxCount: 3 must be between aks.nodeCount (4) and 1000"}},
		{"user pool bounds reversed", mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 3, "maxCount": 2}),
			[]string{"aks.userPool: minCount 3 and maxCount 2 must satisfy"}},
		{"unknown threat intelligence mode", mocktest.Set("firewall", "threatIntelMode", "Block"),
			[]string{`firewall.threatIntelMode: "Block" is not one of Alert, Deny, Off`}},
		{"log retention too short", func(c map[string]any) { c["monitoring"] = map[string]any{"retentionDays": 7} },
			[]string{"monitoring.retentionDays: 7 must be between 30 and 730"}},
		{"Bastion without its subnet", func(c map[string]any) { delete(c["hub"].(map[string]any), "bastionSubnet") },
			[]string{"hub.bastionSubnet: required"}},
		{"DNS service IP outside the service range", mocktest.Set("aks", "dnsServiceIP", "10.2.0.10"),
			[]string{"aks.dnsServiceIP: 10.2.0.10 is outside aks.serviceCidr 172.16.0.0/16"}},
		{"DNS service IP at the network address", mocktest.Set("aks", "dnsServiceIP", "172.16.0.0"),
			[]string{"aks.dnsServiceIP: 172.16.0.0 is the network address of aks.serviceCidr 172.16.0.0/16"}},
		{"SSH key that does not parse", mocktest.Set("jumpBox", "sshPublicKey", "ssh-ed25519 not-a-key"),
			[]string{"jumpBox.sshPublicKey: does not parse as an OpenSSH public key"}},
		{"unknown DNS zone mode", mocktest.Set("dns", "zoneMode", "hybrid"),
			[]string{`dns.zoneMode: "hybrid" is not one of system, custom`}},
		{"unknown firewall SKU", mocktest.Set("firewall", "sku", "Ultra"),
			[]string{`firewall.sku: "Ultra" is not one of Basic, Standard, Premium`}},
		{"malformed Kubernetes version", mocktest.Set("aks", "kubernetesVersion", "v1.33"),
			[]string{`aks.kubernetesVersion: "v1.33" must be MAJOR.MINOR or MAJOR.MINOR.PATCH`}},
		{"missing required key", func(c map[string]any) { delete(c, "jumpBox") },
			[]string{"jumpBox: required key is missing"}},
		{"missing required range", func(c map[string]any) { delete(c["hub"].(map[string]any), "firewallSubnet") },
			[]string{"hub.firewallSubnet: required"}},
		{"misspelled field", mocktest.Set("hub", "adressSpace", "10.0.0.0/16"),
			[]string{`hub: not a valid value: json: unknown field "adressSpace"`}},
		{"range with host bits", mocktest.Set("hub", "addressSpace", "10.0.0.1/16"),
			[]string{"hub.addressSpace: 10.0.0.1/16 has host bits set; did you mean 10.0.0.0/16?"}},
		{"Basic firewall without management subnet", mocktest.Set("firewall", "sku", "Basic"),
			[]string{"hub.firewallManagementSubnet: required"}},
		{"catch-all extra network rule", mocktest.Set("firewall", "extraNetworkRules", []any{map[string]any{
			"name": "everything", "protocols": []any{"Any"}, "destinationAddresses": []any{"*"}, "destinationPorts": []any{"*"}}}),
			[]string{"firewall.extraNetworkRules[0]: allows any destination on any port"}},
		{"catch-all extra application rule", mocktest.Set("firewall", "extraApplicationRules", []any{map[string]any{
			"name": "web", "targetFqdns": []any{"*"}, "protocols": []any{"Https:443"}}}),
			[]string{`firewall.extraApplicationRules[0].targetFqdns: "*" allows every site`}},
		{"reserved admin user name", mocktest.Set("jumpBox", "adminUsername", "root"),
			[]string{`jumpBox.adminUsername: "root" must be a lowercase Linux user name`}},
		{"unknown availability zone", mocktest.Set("aks", "availabilityZones", []any{"1", "4"}),
			[]string{`aks.availabilityZones[1]: "4" must be one of`}},
		// Rules Azure enforces at deployment time (azurerules cites each source).
		{"system pool below 30 pods", mocktest.Set("aks", "maxPods", 20),
			[]string{"aks.maxPods: 20 must be between 30 (a system node pool must run at least 30 pods per node) and 250"}},
		{"B-series system pool", mocktest.Set("aks", "nodeSize", "Standard_B4ms"),
			[]string{"aks.nodeSize: Standard_B4ms is a B-series size, which system node pools refuse"}},
		{"service range AKS reserves", mocktest.All(mocktest.Set("aks", "serviceCidr", "172.30.0.0/16"), mocktest.Set("aks", "dnsServiceIP", "172.30.0.10")),
			[]string{"aks.serviceCidr: 172.30.0.0/16 overlaps 172.30.0.0/16, which AKS reserves"}},
		{"pod range AKS reserves", mocktest.Set("aks", "podCidr", "169.254.0.0/16"),
			[]string{"aks.podCidr: 169.254.0.0/16 overlaps 169.254.0.0/16, which AKS reserves"}},
		{"VNet range Azure refuses", mocktest.All(mocktest.Set("hub", "addressSpace", "168.63.0.0/16"), mocktest.Set("hub", "firewallSubnet", "168.63.0.0/26"),
			mocktest.Set("hub", "bastionSubnet", "168.63.0.64/26"), mocktest.Set("hub", "jumpBoxSubnet", "168.63.1.0/28")),
			[]string{"hub.addressSpace: 168.63.0.0/16 overlaps 168.63.129.16/32, which Azure refuses in a virtual network"}},
		{"subnet smaller than /29", mocktest.Set("hub", "jumpBoxSubnet", "10.0.1.0/30"),
			[]string{"hub.jumpBoxSubnet: 10.0.1.0/30 is smaller than the /29 Azure requires"}},
		{"gateway without its subnet", mocktest.Set("hub", "hasGateway", true),
			[]string{"hub.gatewaySubnet: required with hub.hasGateway"}},
		{"gateway subnet smaller than /27", mocktest.Set("hub", "gatewaySubnet", "10.0.0.192/28"),
			[]string{"hub.gatewaySubnet: 10.0.0.192/28 is smaller than the /27 Azure requires"}},
		{"kubectl two minors from the cluster", mocktest.Set("jumpBox", "kubectlVersion", "1.34.2"),
			[]string{"jumpBox.kubectlVersion: 1.34.2 is more than one minor version from aks.kubernetesVersion 1.36"}},
		{"kubelogin version not pinned", mocktest.Set("jumpBox", "kubeloginVersion", "latest"),
			[]string{`jumpBox.kubeloginVersion: "latest" must be a kubelogin release MAJOR.MINOR.PATCH`}},
		// AKS pricing tiers (Microsoft Learn, checked 2026-12-06): Free has no uptime SLA.
		{"production stack on the Free tier", func(c map[string]any) { c["protect"] = true; c["keyVault"] = map[string]any{"purgeProtection": true} },
			[]string{"aks.tier: Free has no uptime SLA: a production stack (environment prod or protect true) runs Standard or Premium"}},
		{"a tier AKS does not have", mocktest.Set("aks", "tier", "Paid"), []string{`aks.tier: "Paid" is not one of Free, Standard, Premium`}},
		// AKS upgrade options (Microsoft Learn, checked 2026-12-06): surge at least one node, drain 1-1440 minutes.
		{"no upgrade surge", mocktest.Set("aks", "maxSurge", 0), []string{"aks.maxSurge: 0 must be between 1 and 100 nodes: a surge upgrade adds at least one"}},
		{"a surge of 101 nodes", mocktest.Set("aks", "maxSurge", 101), []string{"aks.maxSurge: 101 must be between 1 and 100 nodes"}},
		{"no drain time", mocktest.Set("aks", "drainTimeoutMinutes", 0), []string{"aks.drainTimeoutMinutes: 0 must be between 1 and 1440"}},
		{"a drain longer than a day", mocktest.Set("aks", "drainTimeoutMinutes", 1441), []string{"aks.drainTimeoutMinutes: 1441 must be between 1 and 1440"}},
		{"the node subnet without room for a larger surge", mocktest.All(mocktest.Set("aks", "maxSurge", 3), mocktest.Set("spoke", "aksSubnet", "10.1.0.0/28")),
			[]string{"spoke.aksSubnet: 10.1.0.0/28 holds 11 usable addresses, 6 nodes at the pools' maxima (+6 upgrade surge) need 12"}},
		{"production stack without admin group", func(c map[string]any) { c["environment"] = "prod" },
			[]string{"aks.adminGroupObjectIds: a production stack (environment prod or protect true) must name at least one Entra ID group"}},
		{"protected stack without admin group", func(c map[string]any) { c["protect"] = true },
			[]string{"aks.adminGroupObjectIds: a production stack"}},
		{"patch pinned under the patch auto-upgrade", mocktest.Set("aks", "kubernetesVersion", "1.36.1"),
			[]string{"aks.kubernetesVersion: 1.36.1 pins a patch, which the patch auto-upgrade channel moves past; give MAJOR.MINOR such as 1.36"}},
		{"a stack tag left to Azure Policy", func(c map[string]any) { c["policyManagedTags"] = []any{"owner"} },
			[]string{`policyManagedTags[0]: "owner" is a tag the stack sets`}},
		{"endpoint subnet overlaps the node subnet", mocktest.Set("spoke", "privateEndpointSubnet", "10.1.0.0/27"),
			[]string{"spoke.privateEndpointSubnet: 10.1.0.0/27 overlaps spoke.aksSubnet 10.1.0.0/22"}},
		{"endpoint subnet outside the spoke", mocktest.Set("spoke", "privateEndpointSubnet", "10.2.4.0/27"),
			[]string{"spoke.privateEndpointSubnet: 10.2.4.0/27 is outside spoke.addressSpace 10.1.0.0/16"}},
		{"endpoint subnet too small", mocktest.Set("spoke", "privateEndpointSubnet", "10.1.4.0/30"),
			[]string{"spoke.privateEndpointSubnet: 10.1.4.0/30 is smaller than the /29 Azure requires"}},
		{"endpoint subnet missing", func(c map[string]any) { delete(c["spoke"].(map[string]any), "privateEndpointSubnet") },
			[]string{"spoke.privateEndpointSubnet: required"}},
		{"vault name longer than Azure allows", func(c map[string]any) { c["namePrefix"] = "platformteam"; c["environment"] = "staging1" },
			[]string{"namePrefix: the Key Vault name kv-platformteam-staging1-xxxxxx would be 31 characters, more than the 24 Azure allows"}},
		{"production vault without purge protection", func(c map[string]any) { c["protect"] = true; c["keyVault"] = map[string]any{"purgeProtection": false} },
			[]string{"keyVault.purgeProtection: a production stack (environment prod or protect true) keeps purge protection on"}},
		{"workload identity with a bad service account", mocktest.Set("keyVault", "workloadIdentity", map[string]any{"namespace": "payments", "serviceAccount": "API_user"}),
			[]string{`keyVault.workloadIdentity.serviceAccount: "API_user" must be a Kubernetes name`}},
		// Every rule at its limit: the value just past it is refused by key, value and rule
		// (TestConfigAtTheLimitsIsAccepted holds the value at the limit).
		{"environment of nine characters", func(c map[string]any) { c["environment"] = "staging12" },
			[]string{`environment: "staging12" must be 1-8 lowercase letters or digits, starting with a letter`}},
		{"location as the portal displays it", func(c map[string]any) { c["location"] = "West Europe" },
			[]string{`location: "West Europe" is a display name; Azure's name for the region is westeurope`}},
		// Regions from Microsoft Learn, "Azure regions list" (checked 2026-12-06): westeurope2
		// does not exist, global and europe are logical, eastus2euap is a canary region.
		{"regions that are not deployment targets", func(c map[string]any) { c["location"] = "westeurope2" },
			[]string{`location: "westeurope2" is not a public Azure region`}},
		{"the global location", func(c map[string]any) { c["location"] = "global" }, []string{`location: "global" is not a public Azure region`}},
		{"a geography", func(c map[string]any) { c["location"] = "europe" }, []string{`location: "europe" is not a public Azure region`}},
		{"a canary region", func(c map[string]any) { c["location"] = "eastus2euap" }, []string{`location: "eastus2euap" is not a public Azure region`}},
		{"zones in a region without them", func(c map[string]any) {
			c["location"] = "westcentralus"
			c["aks"].(map[string]any)["availabilityZones"] = []any{"1", "2"}
			c["firewall"] = map[string]any{"availabilityZones": []any{"1"}}
		}, []string{"aks.availabilityZones: westcentralus has no availability zones", "firewall.availabilityZones: westcentralus has no availability zones"}},
		// Private DNS zones take letters, digits, '.', '-', '_' in a tag name, from a letter to
		// a letter, digit or '_' (Learn tag limitations; openshift/enhancements#1329), and at most
		// 15 tags; names differing in case are one tag (MicrosoftDocs/azure-docs#57888).
		{"tag names a private DNS zone refuses", func(c map[string]any) {
			c["tags"] = map[string]any{"cost center": "x", "1owner": "x", "team:name": "x", "owner.": "x", "app(x)": "x", "-owner": "x"}
		}, []string{
			"tags.cost center: " + tagNameRule, "tags.1owner: " + tagNameRule, "tags.team:name: " + tagNameRule,
			"tags.owner.: " + tagNameRule, "tags.app(x): " + tagNameRule, "tags.-owner: " + tagNameRule,
		}},
		{"tag names that differ only in case", func(c map[string]any) { c["tags"] = map[string]any{"Owner": "a", "owner": "b", "Environment": "prod"} },
			[]string{"tags.owner: is the same tag name as Owner (Azure tag names ignore case)",
				"tags.Environment: is the same tag name as environment, which the stack sets (Azure tag names ignore case)"}},
		{"a stack tag left to Azure Policy in other case", func(c map[string]any) { c["policyManagedTags"] = []any{"ManagedBy"} },
			[]string{`policyManagedTags[0]: "ManagedBy" is a tag the stack sets`}},
		{"sixteen tags with the stack's own", func(c map[string]any) { c["tags"] = numberedTags(14) },
			[]string{"tags: 16 tags, counting those the stack sets (environment, managedBy) and those left to Azure Policy: a resource of the stack carries at most 15"}},
		{"fifteen tags and one left to Azure Policy", func(c map[string]any) {
			c["tags"] = numberedTags(13)
			c["policyManagedTags"] = []any{"createdOn"}
		}, []string{"tags: 16 tags, counting those the stack sets (environment, managedBy) and those left to Azure Policy: a resource of the stack carries at most 15"}},
		{"name prefix of thirteen characters", func(c map[string]any) {
			c["namePrefix"] = "platformteam1"
			c["keyVault"] = map[string]any{"enabled": false}
		},
			[]string{`namePrefix: "platformteam1" must be 2-12 lowercase letters or digits, starting with a letter`}},
		{"name prefix of one letter", func(c map[string]any) { c["namePrefix"] = "p" },
			[]string{`namePrefix: "p" must be 2-12 lowercase letters or digits, starting with a letter`}},
		{"tag names with characters Azure refuses", func(c map[string]any) {
			c["tags"] = map[string]any{"a<b": "x", "a>b": "x", "a%b": "x", "a&b": "x", `a\b`: "x", "a?b": "x", "a/b": "x"}
		}, []string{
			`tags.a<b: ` + tagNameRule,
			`tags.a>b: ` + tagNameRule,
			`tags.a%b: ` + tagNameRule,
			`tags.a&b: ` + tagNameRule,
			`tags.a\b: ` + tagNameRule,
			`tags.a?b: ` + tagNameRule,
			`tags.a/b: ` + tagNameRule,
		}},
		{"empty tag name", func(c map[string]any) { c["tags"] = map[string]any{"": "x"} },
			[]string{`tags.: ` + tagNameRule}},
		{"tag name of 513 characters", func(c map[string]any) { c["tags"] = map[string]any{strings.Repeat("k", 513): "x"} },
			[]string{"tags." + strings.Repeat("k", 513) + `: ` + tagNameRule}},
		{"tag value of 257 characters", func(c map[string]any) { c["tags"] = map[string]any{"owner": strings.Repeat("v", 257)} },
			[]string{"tags.owner: tag value is longer than 256 characters"}},
		{"the stack's own tags and an empty name left to Azure Policy", func(c map[string]any) { c["policyManagedTags"] = []any{"environment", "managedBy", ""} },
			[]string{`policyManagedTags[0]: "environment" is a tag the stack sets`, `policyManagedTags[1]: "managedBy" is a tag the stack sets`,
				`policyManagedTags[2]: "" is a tag the stack sets`}},
		// Ephemeral OS disks live on the temp disk: 75 GiB on Standard_D2ds_v5, none on
		// Standard_D4s_v5 (Microsoft Learn, Ddsv5 and Dsv5 series, checked 2026-12-06); AKS takes
		// 30-2048 GiB (Learn "Create node pools"; REST spec ContainerServiceOSDisk).
		{"an ephemeral OS disk one GiB larger than the temp disk", mocktest.All(mocktest.Set("aks", "osDiskSizeGB", 76),
			mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D2ds_v5", "minCount": 1, "maxCount": 5})),
			[]string{"aks.userPool.nodeSize: VMCannotFitEphemeralOSDisk: the OS disk of 76 GiB does not fit the 75 GiB temp disk of Standard_D2ds_v5"}},
		{"an ephemeral OS disk on a size without a local disk", mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4s_v5", "minCount": 1, "maxCount": 5}),
			[]string{"aks.userPool.nodeSize: VMCannotFitEphemeralOSDisk: Standard_D4s_v5 has no local disk"}},
		{"an ephemeral OS disk on a size whose local disk is not known", mocktest.Set("aks", "nodeSize", "Standard_F8s_v2"),
			[]string{"aks.nodeSize: Standard_F8s_v2: no local disk size known for an ephemeral OS disk; use one of Standard_D16ds_v5, Standard_D2ds_v5, Standard_D4ads_v5, Standard_D4ds_v5, Standard_D8ads_v5, Standard_D8ds_v5, Standard_E4ds_v5, Standard_E8ds_v5, or set aks.osDiskType to Managed"}},
		{"an OS disk type Azure does not have", mocktest.Set("aks", "osDiskType", "ephemeral"),
			[]string{`aks.osDiskType: "ephemeral" is not one of Ephemeral, Managed`}},
		{"an OS disk smaller than the AKS image", mocktest.Set("aks", "osDiskSizeGB", 29),
			[]string{"aks.osDiskSizeGB: 29 must be between 30 (the AKS image) and 2048"}},
		{"an OS disk larger than AKS takes", mocktest.All(mocktest.Set("aks", "osDiskType", "Managed"), mocktest.Set("aks", "osDiskSizeGB", 2049)),
			[]string{"aks.osDiskSizeGB: 2049 must be between 30 (the AKS image) and 2048"}},
		// Maintenance windows (REST spec 2024-10-01 MaintenanceWindow: 4-24 hours, HH:mm, +/-HH:mm,
		// weekly every 1-4 weeks, daily every 1-7 days for node OS upgrades; Learn "Use Planned
		// Maintenance", checked 2026-12-06); UTC offsets run from -12:00 to +14:00.
		{"maintenance windows outside AKS's bounds", mocktest.Set("aks", "maintenance", map[string]any{
			"autoUpgrade": map[string]any{"dayOfWeek": "sunday", "startTime": "24:00", "utcOffset": "+14:30", "durationHours": 3, "intervalWeeks": 5},
			"nodeOS":      map[string]any{"schedule": "Daily", "intervalDays": 8, "startTime": "2:00", "utcOffset": "05:30", "durationHours": 25},
		}), []string{
			`aks.maintenance.autoUpgrade.dayOfWeek: "sunday" is not a day of the week (Monday ... Sunday)`,
			"aks.maintenance.autoUpgrade.intervalWeeks: 5 must be between 1 and 4",
			`aks.maintenance.autoUpgrade.startTime: "24:00" must be a time of day HH:mm from 00:00 to 23:59`,
			`aks.maintenance.autoUpgrade.utcOffset: "+14:30" must be an offset from UTC, +HH:mm or -HH:mm, between -12:00 and +14:00`,
			"aks.maintenance.autoUpgrade.durationHours: 3 must be between 4 and 24",
			"aks.maintenance.nodeOS.intervalDays: 8 must be between 1 and 7",
			`aks.maintenance.nodeOS.startTime: "2:00" must be a time of day HH:mm`,
			`aks.maintenance.nodeOS.utcOffset: "05:30" must be an offset from UTC`,
			"aks.maintenance.nodeOS.durationHours: 25 must be between 4 and 24",
		}},
		{"an offset west of -12:00", mocktest.Set("aks", "maintenance", map[string]any{"autoUpgrade": map[string]any{"dayOfWeek": "Sunday", "startTime": "01:00", "utcOffset": "-12:01"}}),
			[]string{`aks.maintenance.autoUpgrade.utcOffset: "-12:01" must be an offset from UTC`}},
		{"a daily window for the cluster's upgrades", mocktest.Set("aks", "maintenance", map[string]any{"autoUpgrade": map[string]any{"schedule": "Daily", "startTime": "01:00"}}),
			[]string{"aks.maintenance.autoUpgrade.schedule: Daily is for the node OS window only; the cluster's upgrades take Weekly"}},
		{"a schedule's fields mixed", mocktest.Set("aks", "maintenance", map[string]any{
			"autoUpgrade": map[string]any{"dayOfWeek": "Sunday", "startTime": "01:00", "intervalDays": 2},
			"nodeOS":      map[string]any{"schedule": "Daily", "dayOfWeek": "Sunday", "startTime": "05:00"},
		}), []string{"aks.maintenance.autoUpgrade.intervalDays: is for a Daily schedule",
			"aks.maintenance.nodeOS.schedule: a Daily schedule takes intervalDays, not dayOfWeek or intervalWeeks"}},
		{"a schedule AKS does not have", mocktest.Set("aks", "maintenance", map[string]any{"nodeOS": map[string]any{"schedule": "Monthly", "startTime": "01:00"}}),
			[]string{`aks.maintenance.nodeOS.schedule: "Monthly" is not one of Weekly, Daily`}},
		{"windows for channels that upgrade nothing", mocktest.All(mocktest.Set("aks", "upgradeChannel", "none"), mocktest.Set("aks", "nodeOSUpgradeChannel", "Unmanaged"),
			mocktest.Set("aks", "maintenance", map[string]any{"autoUpgrade": map[string]any{"dayOfWeek": "Sunday", "startTime": "01:00"},
				"nodeOS": map[string]any{"dayOfWeek": "Sunday", "startTime": "05:00"}})),
			[]string{"aks.maintenance.autoUpgrade: a window for aks.upgradeChannel none upgrades nothing",
				"aks.maintenance.nodeOS: a window for aks.nodeOSUpgradeChannel Unmanaged upgrades nothing"}},
		{"log retention one day short", func(c map[string]any) { c["monitoring"] = map[string]any{"retentionDays": 29} },
			[]string{"monitoring.retentionDays: 29 must be between 30 and 730"}},
		{"log retention one day long", func(c map[string]any) { c["monitoring"] = map[string]any{"retentionDays": 731} },
			[]string{"monitoring.retentionDays: 731 must be between 30 and 730"}},
		{"IPv6 address space", mocktest.Set("hub", "addressSpace", "fd00::/48"),
			[]string{"hub.addressSpace: fd00::/48 is not an IPv4 range"}},
		{"subnet larger than its VNet", mocktest.All(mocktest.Set("spoke", "addressSpace", "10.2.0.0/16"), mocktest.Set("spoke", "aksSubnet", "10.2.0.0/15"),
			mocktest.Set("spoke", "privateEndpointSubnet", "10.2.4.0/27")),
			[]string{"spoke.aksSubnet: 10.2.0.0/15 is outside spoke.addressSpace 10.2.0.0/16"}},
		{"VNet ranges Azure refuses: loopback and link-local", mocktest.All(mocktest.Set("hub", "addressSpace", "127.0.0.0/16"), mocktest.Set("spoke", "addressSpace", "169.254.0.0/16")),
			[]string{"hub.addressSpace: 127.0.0.0/16 overlaps 127.0.0.0/8, which Azure refuses in a virtual network",
				"spoke.addressSpace: 169.254.0.0/16 overlaps 169.254.0.0/16, which Azure refuses in a virtual network"}},
		{"VNet ranges Azure refuses: multicast and broadcast", mocktest.All(mocktest.Set("hub", "addressSpace", "224.0.0.0/16"), mocktest.Set("spoke", "addressSpace", "255.255.0.0/16")),
			[]string{"hub.addressSpace: 224.0.0.0/16 overlaps 224.0.0.0/4, which Azure refuses in a virtual network",
				"spoke.addressSpace: 255.255.0.0/16 overlaps 255.255.255.255/32, which Azure refuses in a virtual network"}},
		{"endpoint subnet missing with the registry alone", func(c map[string]any) {
			delete(c["spoke"].(map[string]any), "privateEndpointSubnet")
			c["keyVault"] = map[string]any{"enabled": false}
		}, []string{"spoke.privateEndpointSubnet: required"}},
		{"endpoint subnet missing with the vault alone", func(c map[string]any) {
			delete(c["spoke"].(map[string]any), "privateEndpointSubnet")
			c["registry"] = map[string]any{"enabled": false}
		}, []string{"spoke.privateEndpointSubnet: required"}},
		{"Basic firewall management subnet smaller than /26", mocktest.All(mocktest.Set("firewall", "sku", "Basic"), mocktest.Set("hub", "firewallManagementSubnet", "10.0.0.128/27")),
			[]string{"hub.firewallManagementSubnet: 10.0.0.128/27 is smaller than the /26 Azure requires"}},
		{"Bastion subnet smaller than /26", mocktest.Set("hub", "bastionSubnet", "10.0.0.64/27"),
			[]string{"hub.bastionSubnet: 10.0.0.64/27 is smaller than the /26 Azure requires"}},
		{"management subnet without the Basic firewall", mocktest.Set("hub", "firewallManagementSubnet", "10.0.0.128/26"),
			[]string{"hub.firewallManagementSubnet: is only used by the Basic firewall SKU; remove it for Standard"}},
		{"Kubernetes major version 2", mocktest.Set("aks", "kubernetesVersion", "2.0"),
			[]string{`aks.kubernetesVersion: "2.0" must be MAJOR.MINOR or MAJOR.MINOR.PATCH, such as 1.30 or 1.30.6`}},
		{"Kubernetes version of four numbers", mocktest.Set("aks", "kubernetesVersion", "1.36.1.0"),
			[]string{`aks.kubernetesVersion: "1.36.1.0" must be MAJOR.MINOR or MAJOR.MINOR.PATCH, such as 1.30 or 1.30.6`}},
		{"patch pinned under the stable auto-upgrade", mocktest.All(mocktest.Set("aks", "kubernetesVersion", "1.36.1"), mocktest.Set("aks", "upgradeChannel", "stable")),
			[]string{"aks.kubernetesVersion: 1.36.1 pins a patch, which the stable auto-upgrade channel moves past; give MAJOR.MINOR such as 1.36, or set aks.upgradeChannel to none or node-image"}},
		{"patch pinned under the rapid auto-upgrade", mocktest.All(mocktest.Set("aks", "kubernetesVersion", "1.36.1"), mocktest.Set("aks", "upgradeChannel", "rapid")),
			[]string{"aks.kubernetesVersion: 1.36.1 pins a patch, which the rapid auto-upgrade channel moves past; give MAJOR.MINOR such as 1.36, or set aks.upgradeChannel to none or node-image"}},
		{"system pool of 1001 nodes", mocktest.All(mocktest.Set("aks", "nodeCount", 1001), mocktest.Set("aks", "nodeMaxCount", 1001)),
			[]string{"aks.nodeCount: 1001 must be between 1 and 1000", "aks.nodeMaxCount: 1001 must be between aks.nodeCount (1001) and 1000"}},
		{"user pool without a VM size", mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "", "minCount": 1, "maxCount": 3}),
			[]string{"aks.userPool.nodeSize: required: a VM size such as Standard_D4ds_v5"}},
		{"user pool minimum below zero", mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": -1, "maxCount": 3}),
			[]string{"aks.userPool: minCount -1 and maxCount 3 must satisfy 0 <= minCount <= maxCount, 1 <= maxCount <= 1000"}},
		{"user pool of no node at most", mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 0, "maxCount": 0}),
			[]string{"aks.userPool: minCount 0 and maxCount 0 must satisfy 0 <= minCount <= maxCount, 1 <= maxCount <= 1000"}},
		{"user pool of 1001 nodes at most", mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 1, "maxCount": 1001}),
			[]string{"aks.userPool: minCount 1 and maxCount 1001 must satisfy 0 <= minCount <= maxCount, 1 <= maxCount <= 1000"}},
		{"unknown upgrade channel", mocktest.Set("aks", "upgradeChannel", "weekly"),
			[]string{`aks.upgradeChannel: "weekly" is not one of none, patch, stable, rapid, node-image`}},
		{"unknown node OS upgrade channel", mocktest.Set("aks", "nodeOSUpgradeChannel", "Weekly"),
			[]string{`aks.nodeOSUpgradeChannel: "Weekly" is not one of None, Unmanaged, NodeImage, SecurityPatch`}},
		{"system pool without a VM size", mocktest.Set("aks", "nodeSize", ""),
			[]string{"aks.nodeSize: required: a VM size such as Standard_D4ds_v5"}},
		{"system pool of 29 pods per node", mocktest.Set("aks", "maxPods", 29),
			[]string{"aks.maxPods: 29 must be between 30 (a system node pool must run at least 30 pods per node) and 250"}},
		{"251 pods per node", mocktest.Set("aks", "maxPods", 251),
			[]string{"aks.maxPods: 251 must be between 30 (a system node pool must run at least 30 pods per node) and 250"}},
		{"unknown CNI mode", mocktest.Set("aks", "cni", "kubenet"),
			[]string{`aks.cni: "kubenet" is not one of overlay, nodeSubnet`}},
		{"service and pod ranges AKS reserves: 172.31/16 and 192.0.2/24", mocktest.All(mocktest.Set("aks", "serviceCidr", "172.31.0.0/16"),
			mocktest.Set("aks", "dnsServiceIP", "172.31.0.10"), mocktest.Set("aks", "podCidr", "192.0.2.0/24")),
			[]string{"aks.serviceCidr: 172.31.0.0/16 overlaps 172.31.0.0/16, which AKS reserves", "aks.podCidr: 192.0.2.0/24 overlaps 192.0.2.0/24, which AKS reserves"}},
		{"service range larger than /12", mocktest.All(mocktest.Set("aks", "serviceCidr", "100.64.0.0/11"), mocktest.Set("aks", "dnsServiceIP", "100.64.0.10")),
			[]string{"aks.serviceCidr: 100.64.0.0/11 is larger than the /12 AKS allows"}},
		{"DNS service IP missing", mocktest.Set("aks", "dnsServiceIP", ""),
			[]string{"aks.dnsServiceIP: required: an address inside aks.serviceCidr"}},
		{"DNS service IP at the kubernetes service's address", mocktest.Set("aks", "dnsServiceIP", "172.16.0.1"),
			[]string{"aks.dnsServiceIP: 172.16.0.1 is the first address of aks.serviceCidr 172.16.0.0/16, which the kubernetes service takes"}},
		{"node subnet one address short", mocktest.All(mocktest.Set("aks", "nodeMaxCount", 5), mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 1, "maxCount": 5}),
			mocktest.Set("spoke", "aksSubnet", "10.1.0.0/28")),
			[]string{"spoke.aksSubnet: 10.1.0.0/28 holds 11 usable addresses, 10 nodes at the pools' maxima (+2 upgrade surge) need 12"}},
		{"availability zone twice", mocktest.Set("aks", "availabilityZones", []any{"1", "1"}),
			[]string{`aks.availabilityZones[1]: "1" must be one of "1", "2", "3", each at most once`}},
		{"unknown firewall availability zone", mocktest.Set("firewall", "availabilityZones", []any{"0"}),
			[]string{`firewall.availabilityZones[0]: "0" must be one of "1", "2", "3", each at most once`}},
		{"admin group by name instead of object ID", mocktest.Set("aks", "adminGroupObjectIds", []any{"platform-admins"}),
			[]string{`aks.adminGroupObjectIds[0]: "platform-admins" is not an Entra ID object ID (a GUID)`}},
		{"kubectl two minors ahead of the cluster", mocktest.Set("jumpBox", "kubectlVersion", "1.38.0"),
			[]string{"jumpBox.kubectlVersion: 1.38.0 is more than one minor version from aks.kubernetesVersion 1.36 (Kubernetes version skew policy)"}},
		{"kubectl version without its patch", mocktest.Set("jumpBox", "kubectlVersion", "1.36"),
			[]string{`jumpBox.kubectlVersion: "1.36" must be a kubectl release MAJOR.MINOR.PATCH such as 1.36.1`}},
		{"kubelogin version without its patch", mocktest.Set("jumpBox", "kubeloginVersion", "0.2"),
			[]string{`jumpBox.kubeloginVersion: "0.2" must be a kubelogin release MAJOR.MINOR.PATCH such as 0.2.19`}},
		{"kubelogin version with a letter", mocktest.Set("jumpBox", "kubeloginVersion", "0.2.x"),
			[]string{`jumpBox.kubeloginVersion: "0.2.x" must be a kubelogin release MAJOR.MINOR.PATCH such as 0.2.19`}},
		{"Basic firewall denying on threat intelligence", mocktest.All(mocktest.Set("firewall", "sku", "Basic"), mocktest.Set("hub", "firewallManagementSubnet", "10.0.0.128/26"),
			mocktest.Set("firewall", "threatIntelMode", "Deny")),
			[]string{"firewall.threatIntelMode: the Basic SKU supports Alert only"}},
		{"extra rule name of 81 characters", mocktest.Set("firewall", "extraNetworkRules", []any{map[string]any{
			"name": strings.Repeat("r", 81), "protocols": []any{"UDP"}, "destinationAddresses": []any{"10.50.0.4"}, "destinationPorts": []any{"123"}}}),
			[]string{`firewall.extraNetworkRules[0].name: "` + strings.Repeat("r", 81) + `" must be 1-80 letters, digits, '_', '.' or '-'`}},
		{"two extra rules of one name", mocktest.Set("firewall", "extraNetworkRules", []any{
			map[string]any{"name": "ntp", "protocols": []any{"UDP"}, "destinationAddresses": []any{"10.50.0.4"}, "destinationPorts": []any{"123"}},
			map[string]any{"name": "ntp", "protocols": []any{"UDP"}, "destinationAddresses": []any{"10.50.0.5"}, "destinationPorts": []any{"123"}}}),
			[]string{`firewall.extraNetworkRules[1].name: "ntp" is used by another extra rule`}},
		{"extra rule sources that are not addresses", mocktest.All(
			mocktest.Set("firewall", "extraNetworkRules", []any{map[string]any{
				"name": "ntp", "protocols": []any{"UDP"}, "sourceAddresses": []any{"aks-subnet"}, "destinationAddresses": []any{"10.50.0.4"}, "destinationPorts": []any{"123"}}}),
			mocktest.Set("firewall", "extraApplicationRules", []any{map[string]any{
				"name": "web", "sourceAddresses": []any{"nodes"}, "targetFqdns": []any{"example.com"}, "protocols": []any{"Https:443"}}})),
			[]string{`firewall.extraNetworkRules[0].sourceAddresses: "aks-subnet" is not an IPv4 address or range`,
				`firewall.extraApplicationRules[0].sourceAddresses: "nodes" is not an IPv4 address or range`}},
		{"extra network rule protocol unknown", mocktest.Set("firewall", "extraNetworkRules", []any{map[string]any{
			"name": "web", "protocols": []any{"HTTP"}, "destinationAddresses": []any{"10.50.0.4"}, "destinationPorts": []any{"80"}}}),
			[]string{`firewall.extraNetworkRules[0].protocols: "HTTP" is not one of TCP, UDP, ICMP, Any`}},
		{"extra network rule without protocols or destination", mocktest.Set("firewall", "extraNetworkRules", []any{map[string]any{
			"name": "web", "destinationPorts": []any{"80"}}}),
			[]string{"firewall.extraNetworkRules[0].protocols: required: at least one of TCP, UDP, ICMP, Any",
				"firewall.extraNetworkRules[0]: needs destinationAddresses or destinationFqdns"}},
		{"FQDN network rule on the Basic firewall", mocktest.All(mocktest.Set("firewall", "sku", "Basic"), mocktest.Set("hub", "firewallManagementSubnet", "10.0.0.128/26"),
			mocktest.Set("firewall", "extraNetworkRules", []any{map[string]any{
				"name": "ntp", "protocols": []any{"UDP"}, "destinationFqdns": []any{"ntp.example.com"}, "destinationPorts": []any{"123"}}})),
			[]string{"firewall.extraNetworkRules[0].destinationFqdns: FQDNs in network rules need the DNS proxy, which the Basic SKU lacks"}},
		{"extra network rule ports that are not ports", mocktest.Set("firewall", "extraNetworkRules", []any{map[string]any{
			"name": "web", "protocols": []any{"TCP"}, "destinationAddresses": []any{"10.50.0.4"}, "destinationPorts": []any{"0", "8080-8000", "65536", "https"}}}),
			[]string{`firewall.extraNetworkRules[0].destinationPorts: "0" is not a port, a range such as 8000-8080, or *`,
				`firewall.extraNetworkRules[0].destinationPorts: "8080-8000" is not a port, a range such as 8000-8080, or *`,
				`firewall.extraNetworkRules[0].destinationPorts: "65536" is not a port, a range such as 8000-8080, or *`,
				`firewall.extraNetworkRules[0].destinationPorts: "https" is not a port, a range such as 8000-8080, or *`}},
		{"catch-all extra network rules in other spellings", mocktest.Set("firewall", "extraNetworkRules", []any{
			map[string]any{"name": "no-ports", "protocols": []any{"TCP"}, "destinationAddresses": []any{"*"}},
			map[string]any{"name": "every-site", "protocols": []any{"TCP"}, "destinationFqdns": []any{"*"}, "destinationPorts": []any{"1-65535"}},
			map[string]any{"name": "from-zero", "protocols": []any{"Any"}, "destinationAddresses": []any{"*"}, "destinationPorts": []any{"0-65535"}}}),
			[]string{"firewall.extraNetworkRules[0]: allows any destination on any port: a catch-all rule defeats the firewall",
				"firewall.extraNetworkRules[1]: allows any destination on any port: a catch-all rule defeats the firewall",
				"firewall.extraNetworkRules[2]: allows any destination on any port: a catch-all rule defeats the firewall"}},
		// A tired operator's catch-alls: every address spelled as a tag or a /0, every port as ranges
		// that together cover 1-65535, every site as wildcard labels.
		{"catch-all extra rules spelled as a tag, a /0, split ranges and wildcards", mocktest.All(
			mocktest.Set("firewall", "extraNetworkRules", []any{
				map[string]any{"name": "internet", "protocols": []any{"TCP"}, "destinationAddresses": []any{"internet"}, "destinationPorts": []any{"1-32767", "32768-65535"}},
				map[string]any{"name": "slash-zero", "protocols": []any{"UDP"}, "destinationAddresses": []any{"0.0.0.0/0"}}}),
			mocktest.Set("firewall", "extraApplicationRules", []any{
				map[string]any{"name": "every-site", "targetFqdns": []any{"*.*"}, "protocols": []any{"Https:443"}}})),
			[]string{"firewall.extraNetworkRules[0]: allows any destination on any port: a catch-all rule defeats the firewall",
				"firewall.extraNetworkRules[1]: allows any destination on any port: a catch-all rule defeats the firewall",
				`firewall.extraApplicationRules[0].targetFqdns: "*.*" allows every site: a catch-all rule defeats the firewall`}},
		// Azure Firewall application rules take ports 1-64000 (Microsoft Learn, checked 2026-12-06).
		{"application rule ports Azure Firewall does not take", mocktest.Set("firewall", "extraApplicationRules", []any{map[string]any{
			"name": "web", "targetFqdns": []any{"example.com"}, "protocols": []any{"Https:64001", "Http:0"}}}),
			[]string{`firewall.extraApplicationRules[0].protocols: "Https:64001": an application rule's port is 1-64000`,
				`firewall.extraApplicationRules[0].protocols: "Http:0": an application rule's port is 1-64000`}},
		{"an IPv6 source", mocktest.Set("firewall", "extraNetworkRules", []any{map[string]any{
			"name": "v6", "protocols": []any{"TCP"}, "sourceAddresses": []any{"2001:db8::/32"}, "destinationAddresses": []any{"10.50.0.4"}, "destinationPorts": []any{"443"}}}),
			[]string{`firewall.extraNetworkRules[0].sourceAddresses: "2001:db8::/32" is not an IPv4 address or range`}},
		{"extra application rule without targets or protocols", mocktest.Set("firewall", "extraApplicationRules", []any{map[string]any{"name": "web"}}),
			[]string{"firewall.extraApplicationRules[0].targetFqdns: required: at least one FQDN (or an FQDN tag in fqdnTags)",
				"firewall.extraApplicationRules[0].protocols: required: at least one such as Https:443"}},
		{"extra application rule protocol without a port", mocktest.Set("firewall", "extraApplicationRules", []any{map[string]any{
			"name": "web", "targetFqdns": []any{"example.com"}, "protocols": []any{"Https:", "Ftp:21"}}}),
			[]string{`firewall.extraApplicationRules[0].protocols: "Https:" must be Http:<port>, Https:<port> or Mssql:<port>`,
				`firewall.extraApplicationRules[0].protocols: "Ftp:21" must be Http:<port>, Https:<port> or Mssql:<port>`}},
		{"vault name of 25 characters", func(c map[string]any) { c["namePrefix"] = "platformte"; c["environment"] = "test" },
			[]string{"namePrefix: the Key Vault name kv-platformte-test-xxxxxx would be 25 characters, more than the 24 Azure allows: shorten namePrefix or environment"}},
		{"vault generation below zero", mocktest.Set("keyVault", "generation", -1),
			[]string{"keyVault.generation: -1 must be 0 or more"}},
		{"vault retention one day short", mocktest.Set("keyVault", "retentionDays", 6),
			[]string{"keyVault.retentionDays: 6 must be between 7 and 90"}},
		{"vault retention one day long", mocktest.Set("keyVault", "retentionDays", 91),
			[]string{"keyVault.retentionDays: 91 must be between 7 and 90"}},
		{"workload identity with a bad namespace", mocktest.Set("keyVault", "workloadIdentity", map[string]any{"namespace": "Payments", "serviceAccount": "api"}),
			[]string{`keyVault.workloadIdentity.namespace: "Payments" must be a Kubernetes name (lowercase letters, digits, '-', at most 63)`}},
		{"workload identity service account of 64 characters", mocktest.Set("keyVault", "workloadIdentity", map[string]any{"namespace": "payments", "serviceAccount": strings.Repeat("a", 64)}),
			[]string{`keyVault.workloadIdentity.serviceAccount: "` + strings.Repeat("a", 64) + `" must be a Kubernetes name (lowercase letters, digits, '-', at most 63)`}},
		{"jump box without a VM size", mocktest.Set("jumpBox", "size", ""),
			[]string{"jumpBox.size: required: a VM size such as Standard_B2s"}},
		{"admin user name of 33 characters", mocktest.Set("jumpBox", "adminUsername", strings.Repeat("u", 33)),
			[]string{`jumpBox.adminUsername: "` + strings.Repeat("u", 33) + `" must be a lowercase Linux user name that Azure does not reserve (not root, admin, ...)`}},
		{"SSH key missing", mocktest.Set("jumpBox", "sshPublicKey", ""),
			[]string{"jumpBox.sshPublicKey: required: an OpenSSH public key (ssh-ed25519 or ssh-rsa of 2048 bits or more)"}},
		{"two SSH keys", mocktest.Set("jumpBox", "sshPublicKey", ed25519Key+"\n"+otherEd25519Key),
			[]string{"jumpBox.sshPublicKey: holds more than one key; give exactly one"}},
		{"ECDSA SSH key", mocktest.Set("jumpBox", "sshPublicKey", ecdsaKey),
			[]string{"jumpBox.sshPublicKey: ecdsa-sha2-nistp256 keys are not accepted by Azure; use ssh-ed25519 or ssh-rsa"}},
		{"RSA SSH key of 2047 bits", mocktest.Set("jumpBox", "sshPublicKey", rsa2047Key),
			[]string{"jumpBox.sshPublicKey: RSA key of 2047 bits is shorter than the 2048 Azure requires"}},
		{"missing environment", func(c map[string]any) { delete(c, "environment") },
			[]string{"environment: required key is missing (pulumi config set environment ...)"}},
		{"missing location", func(c map[string]any) { delete(c, "location") },
			[]string{"location: required key is missing (pulumi config set location ...)"}},
		{"missing hub", func(c map[string]any) { delete(c, "hub") },
			[]string{"hub: required key is missing (pulumi config set hub ...)"}},
		{"missing spoke", func(c map[string]any) { delete(c, "spoke") },
			[]string{"spoke: required key is missing (pulumi config set spoke ...)"}},
		{"missing aks", func(c map[string]any) { delete(c, "aks") },
			[]string{"aks: required key is missing (pulumi config set aks ...)"}},
		{"every mistake at once", mocktest.All(mocktest.Set("spoke", "addressSpace", "10.0.0.0/16"), mocktest.Set("firewall", "sku", "Ultra"), mocktest.Set("aks", "nodeCount", 0)),
			[]string{"spoke.addressSpace: 10.0.0.0/16 overlaps hub.addressSpace", `firewall.sku: "Ultra"`, "aks.nodeCount: 0 must be between 1 and 1000"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, tc.edit))
			require.Error(t, err)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
			assert.Empty(t, res.Resources, "nothing is registered for an invalid config")
		})
	}
}

func TestDNSModeRulesAreEnforced(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"forwarders need a custom zone", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["zoneMode"] = "system" }),
			"dns.zoneMode: system cannot be used with dns.resolver forwarder"},
		{"forwarder subnet too small", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["forwarderSubnet"] = "10.0.2.0/30" }),
			"dns.forwarderSubnet: 10.0.2.0/30 is smaller than the /29 Azure requires"},
		{"forwarder subnet overlaps the jump box", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["forwarderSubnet"] = "10.0.1.0/29" }),
			"dns.forwarderSubnet: 10.0.1.0/29 overlaps hub.jumpBoxSubnet 10.0.1.0/28"},
		{"on-prem range overlaps the spoke", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["onPremRanges"] = []any{"10.1.0.0/24"} }),
			"dns.onPremRanges[0]: 10.1.0.0/24 overlaps spoke.addressSpace 10.1.0.0/16"},
		{"resolver subnet in the range the resolver reserves", mocktest.All(mocktest.DNSMode("privateResolver"),
			func(c map[string]any) { c["dns"].(map[string]any)["resolverInboundSubnet"] = "10.0.3.0/28" }),
			"dns.resolverInboundSubnet: 10.0.3.0/28 lies in 10.0.1.0-10.0.16.255, which the DNS Private Resolver reserves"},
		{"resolver subnet larger than /24", mocktest.All(mocktest.DNSMode("privateResolver"),
			func(c map[string]any) { c["dns"].(map[string]any)["resolverOutboundSubnet"] = "10.0.64.0/23" }),
			"dns.resolverOutboundSubnet: 10.0.64.0/23 is larger than the /24 a DNS Private Resolver endpoint accepts"},
		{"resolver subnet smaller than /28", mocktest.All(mocktest.DNSMode("privateResolver"),
			func(c map[string]any) { c["dns"].(map[string]any)["resolverOutboundSubnet"] = "10.0.32.16/29" }),
			"dns.resolverOutboundSubnet: 10.0.32.16/29 is smaller than the /28 Azure requires"},
		{"private resolver needs a custom zone", mocktest.All(mocktest.DNSMode("privateResolver"), func(c map[string]any) { c["dns"].(map[string]any)["zoneMode"] = "system" }),
			"dns.zoneMode: system cannot be used with dns.resolver privateResolver"},
		{"forwarder subnet missing", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) { delete(c["dns"].(map[string]any), "forwarderSubnet") }),
			"dns.forwarderSubnet: required: an IPv4 range in CIDR notation such as 10.0.0.0/16"},
		{"forwarder without a VM size", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["forwarderSize"] = "" }),
			"dns.forwarderSize: required: a VM size such as Standard_B2s"},
		{"resolver inbound subnet missing", mocktest.All(mocktest.DNSMode("privateResolver"), func(c map[string]any) { delete(c["dns"].(map[string]any), "resolverInboundSubnet") }),
			"dns.resolverInboundSubnet: required: an IPv4 range in CIDR notation such as 10.0.0.0/16"},
		{"resolver outbound subnet outside the hub", mocktest.All(mocktest.DNSMode("privateResolver"),
			func(c map[string]any) { c["dns"].(map[string]any)["resolverOutboundSubnet"] = "10.5.0.0/28" }),
			"dns.resolverOutboundSubnet: 10.5.0.0/28 is outside hub.addressSpace 10.0.0.0/16"},
		{"resolver subnet at the start of the reserved range", mocktest.All(mocktest.DNSMode("privateResolver"),
			func(c map[string]any) {
				c["dns"].(map[string]any)["resolverInboundSubnet"] = "10.0.1.0/28"
				c["hub"].(map[string]any)["jumpBoxSubnet"] = "10.0.2.0/28"
			}),
			"dns.resolverInboundSubnet: 10.0.1.0/28 lies in 10.0.1.0-10.0.16.255, which the DNS Private Resolver reserves"},
		{"resolver subnet at the end of the reserved range", mocktest.All(mocktest.DNSMode("privateResolver"),
			func(c map[string]any) { c["dns"].(map[string]any)["resolverInboundSubnet"] = "10.0.16.240/28" }),
			"dns.resolverInboundSubnet: 10.0.16.240/28 lies in 10.0.1.0-10.0.16.255, which the DNS Private Resolver reserves"},
		{"on-prem range with host bits", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["onPremRanges"] = []any{"172.30.0.1/16"} }),
			"dns.onPremRanges[0]: 172.30.0.1/16 has host bits set; did you mean 172.30.0.0/16?"},
		{"on-prem domain label with an underscore", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) {
			c["dns"].(map[string]any)["onPremDomains"] = []any{map[string]any{"domain": "corp_net.contoso.com", "servers": []any{"172.30.0.10"}}}
		}), `dns.onPremDomains[0].domain: "corp_net.contoso.com" is not a DNS domain such as corp.contoso.com`},
		// Azure DNS alone answers the cluster's and the private-link zones (AKS docs, custom DNS).
		{"on-prem domains that would capture Azure's zones", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) {
			c["dns"].(map[string]any)["onPremDomains"] = []any{
				map[string]any{"domain": "azmk8s.io", "servers": []any{"172.30.0.10"}},
				map[string]any{"domain": "privatelink.vaultcore.azure.net", "servers": []any{"172.30.0.10"}},
				map[string]any{"domain": "myacr.privatelink.azurecr.io", "servers": []any{"172.30.0.10"}},
			}
		}), `dns.onPremDomains[0].domain: "azmk8s.io" would capture privatelink.westeurope.azmk8s.io, which only Azure DNS answers`},
		{"on-prem domain on a private-link zone", mocktest.All(mocktest.DNSMode("privateResolver"), func(c map[string]any) {
			c["dns"].(map[string]any)["onPremDomains"] = []any{map[string]any{"domain": "privatelink.vaultcore.azure.net", "servers": []any{"172.30.0.10"}}}
		}), `dns.onPremDomains[0].domain: "privatelink.vaultcore.azure.net" would capture privatelink.vaultcore.azure.net, which only Azure DNS answers`},
		{"on-prem domain inside a private-link zone", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) {
			c["dns"].(map[string]any)["onPremDomains"] = []any{map[string]any{"domain": "myacr.privatelink.azurecr.io", "servers": []any{"172.30.0.10"}}}
		}), `dns.onPremDomains[0].domain: "myacr.privatelink.azurecr.io" would capture privatelink.azurecr.io, which only Azure DNS answers`},
		{"on-prem domain without servers", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) {
			c["dns"].(map[string]any)["onPremDomains"] = []any{map[string]any{"domain": "corp.contoso.com", "servers": []any{}}}
		}), "dns.onPremDomains[0].servers: required: at least one on-premises DNS server IP"},
		{"on-prem DNS server over IPv6", mocktest.All(mocktest.DNSMode("privateResolver"), func(c map[string]any) {
			c["dns"].(map[string]any)["onPremDomains"] = []any{map[string]any{"domain": "corp.contoso.com", "servers": []any{"fd00::53"}}}
		}), "dns.onPremDomains[0].servers[0]: required: an IPv4 address"},
		{"unknown resolver", func(c map[string]any) { c["dns"] = map[string]any{"resolver": "bind"} },
			`dns.resolver: "bind" is not one of azure, forwarder, privateResolver`},
		{"on-prem domains without a resolver", func(c map[string]any) { c["dns"] = map[string]any{"onPremDomains": mocktest.OnPrem["onPremDomains"]} },
			"dns.onPremDomains: need dns.resolver forwarder or privateResolver"},
		{"malformed on-prem domain", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) {
			c["dns"].(map[string]any)["onPremDomains"] = []any{map[string]any{"domain": "corp_contoso", "servers": []any{"172.30.0.10"}}}
		}), `dns.onPremDomains[0].domain: "corp_contoso" is not a DNS domain`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, tc.edit))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, res.Resources)
		})
	}
}

func TestPulumiYAMLDefaultsMatchTheProgram(t *testing.T) {
	cfg := mocktest.StackConfig(t, "dev")
	declared := mocktest.DeclaredKeys(t)
	assert.Equal(t, settings.DefaultNamePrefix, declared[mocktest.Project+":namePrefix"].Default)
	assert.Equal(t, false, declared[mocktest.Project+":protect"].Default, "protection is off unless a stack asks")
	for _, key := range []string{"tags", "firewall", "dns", "monitoring", "registry", "keyVault"} {
		assert.Equal(t, map[string]any{}, declared[mocktest.Project+":"+key].Default, "optional object %s defaults to {} so the program's defaults apply", key)
	}
	for _, key := range []string{"environment", "location", "hub", "spoke", "aks", "jumpBox"} {
		assert.Nil(t, declared[mocktest.Project+":"+key].Default, "required key %s has no default", key)
		assert.Contains(t, cfg, mocktest.Project+":"+key, "the dev stack sets required key %s", key)
	}
}

// Public keys for the jump box rows (no private key is kept).
const (
	ed25519Key      = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKgjz0jwcz5Y7Tnee+4GCYEyqEKOlIDjdmLz95MMTKBu platform-team@example.com"
	otherEd25519Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDQNo426VOvcYIlgZSARryACvDok1aXtxlLqkDz0DlmN"
	ecdsaKey        = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBCBqrUhfVBEImExqTWaikYFuKZLNppHNG4L35XhmPKXol2VoLSBHuUfHJHtORj+qatX98oL9obMCTw/ZXWwSSUc="
	rsa2047Key      = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAF3iWILxkLaCExh96USZqc9QviJz/u6UWD4wDrjtI69h1hxeiQ5mDNwCUgdsSdcGlfFIpeu4J+kGDpOP5RWhaKWD/pXmrHZd9ReYxT4jRsDGENuGJ8qUEijKz+Nh1BwwlbtrEKDpfvMI5khXldvPaeV72ayt2rbF7tJMu7ianLtU2e32kjuz9h0oJGOMnVlZFIecwvWD3E9aFBMZCLbKUNrP6NTcbwBG2VQT6tfBD0+shnbrnpNh4CwqcY+1x+zWkxsodf4q2ELzxIi7W8lejbaLB4/DLccYn/Srk3Z4bGxCH8FWxw8rNN/DZEJnXps6BnmB9kmICMKiPTY03niz6O8="
	rsa2048Key      = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQD2gqqJ2ApevruW+rj1X0DWbN/3h2GsPrJtUUqR5UDacjJgiH8IFSEHfEy7ASnua70DPY/nyw76LqgaMUDedoVrBPhvsLFK7TEQI2SZVCpwXRrNpb/T0EuKLeJiEVQPvVpJpN6cHNq4DGyARim4Gvdf11v3Fgn8M38oo0CxR2skaRBAlUi6VdYoD0lwHlDOGH2ExJYgQmXFz+saxnvnUA54xjAKqt81EHD9Ly5Y4VN1UuwC2Ijslu6CXG9xYtgMUI89unpGsaL2Q15SQjuyZSxeSoVc2mxyriA0/qNmWNAOyL03d9ZDv/7sVoJ6WaCzVRpAqnOsSuGVsHl05hWNpIZH"
)

// Every user name Azure refuses for a Linux VM administrator (Azure's reserved-name list).
func TestEveryUserNameAzureReservesIsRefused(t *testing.T) {
	for _, name := range []string{
		"administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1",
		"123", "a", "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john",
		"owner", "root", "server", "sql", "support", "support_388945a0", "sys", "test2", "test3", "user4", "user5",
	} {
		t.Run(name, func(t *testing.T) {
			res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.Set("jumpBox", "adminUsername", name)))
			require.Error(t, err)
			assert.Contains(t, err.Error(), `jumpBox.adminUsername: "`+name+`" must be a lowercase Linux user name that Azure does not reserve (not root, admin, ...)`)
			assert.Empty(t, res.Resources)
		})
	}
}

// The other side of every limit: the value at the limit, and every value an allowed-values rule
// lists, deploys. A rule made stricter than Azure fails here.
func TestConfigAtTheLimitsIsAccepted(t *testing.T) {
	basic := mocktest.All(mocktest.Set("firewall", "sku", "Basic"), mocktest.Set("hub", "firewallManagementSubnet", "10.0.0.128/26"))
	tests := []struct {
		name string
		edit func(map[string]any)
	}{
		{"the dev stack as shipped", func(map[string]any) {}},
		{"environment of 8 characters, name prefix of 2", func(c map[string]any) { c["environment"] = "staging1"; c["namePrefix"] = "ab" }},
		{"name prefix of 12 characters without a vault", func(c map[string]any) {
			c["namePrefix"] = "platformteam"
			c["keyVault"] = map[string]any{"enabled": false}
		}},
		{"vault name of exactly 24 characters", func(c map[string]any) { c["namePrefix"] = "platformte" }},
		{"tag name of 512 characters, value of 256", func(c map[string]any) {
			c["tags"] = map[string]any{strings.Repeat("k", 512): strings.Repeat("v", 256), "cost-center_1.a": "x"}
		}},
		{"tags left to Azure Policy", func(c map[string]any) { c["policyManagedTags"] = []any{"costCenterPolicy", "createdOn"} }},
		{"fifteen tags with the stack's own", func(c map[string]any) { c["tags"] = numberedTags(13) }},
		{"tag names ending in a digit or underscore", func(c map[string]any) { c["tags"] = map[string]any{"a": "x", "team_": "x", "cost.center-2": "x"} }},
		{"a region without zones, none asked", func(c map[string]any) {
			c["location"] = "westcentralus"
			delete(c["aks"].(map[string]any), "availabilityZones")
		}},
		{"the newest region on Learn's list", func(c map[string]any) { c["location"] = "indiasouthcentral" }},
		{"an ephemeral OS disk as large as the temp disk", mocktest.All(mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D2ds_v5", "minCount": 1, "maxCount": 5}),
			mocktest.Set("aks", "osDiskSizeGB", 75))},
		{"the smallest OS disk", mocktest.Set("aks", "osDiskSizeGB", 30)},
		{"a managed OS disk of 2048 GiB on a size without a local disk", mocktest.All(mocktest.Set("aks", "osDiskType", "Managed"),
			mocktest.Set("aks", "osDiskSizeGB", 2048), mocktest.Set("aks", "nodeSize", "Standard_F8s_v2"))},
		{"maintenance windows at AKS's bounds", mocktest.Set("aks", "maintenance", map[string]any{
			"autoUpgrade": map[string]any{"dayOfWeek": "Saturday", "startTime": "23:59", "utcOffset": "+14:00", "durationHours": 24, "intervalWeeks": 4},
			"nodeOS":      map[string]any{"schedule": "Daily", "intervalDays": 7, "startTime": "00:00", "utcOffset": "-12:00", "durationHours": 4},
		})},
		{"production without an auto-upgrade channel needs no cluster window", func(c map[string]any) {
			c["protect"] = true
			c["keyVault"] = map[string]any{"purgeProtection": true}
			c["aks"].(map[string]any)["adminGroupObjectIds"] = []any{"5e3c0f0a-7b1d-4c2e-9f8a-1d2c3b4a5f60"}
			c["aks"].(map[string]any)["tier"] = "Standard"
			c["aks"].(map[string]any)["upgradeChannel"] = "none"
			c["aks"].(map[string]any)["nodeOSUpgradeChannel"] = "None"
		}},
		{"log retention of 730 days", func(c map[string]any) { c["monitoring"] = map[string]any{"retentionDays": 730} }},
		{"smallest subnets: /26 firewall and Bastion, /27 gateway, /29 jump box", mocktest.All(mocktest.Set("hub", "gatewaySubnet", "10.0.0.224/27"),
			mocktest.Set("hub", "jumpBoxSubnet", "10.0.1.0/29"))},
		{"gateway in use", mocktest.All(mocktest.Set("hub", "gatewaySubnet", "10.0.0.224/27"), mocktest.Set("hub", "hasGateway", true))},
		{"no Bastion and no Bastion subnet", func(c map[string]any) {
			h := c["hub"].(map[string]any)
			h["bastion"] = false
			delete(h, "bastionSubnet")
		}},
		{"Basic firewall with its /26 management subnet", basic},
		{"Premium firewall, threat intelligence Deny", mocktest.All(mocktest.Set("firewall", "sku", "Premium"), mocktest.Set("firewall", "threatIntelMode", "Deny"))},
		{"threat intelligence Off", mocktest.Set("firewall", "threatIntelMode", "Off")},
		{"no private endpoint subnet without registry and vault", func(c map[string]any) {
			delete(c["spoke"].(map[string]any), "privateEndpointSubnet")
			c["registry"] = map[string]any{"enabled": false}
			c["keyVault"] = map[string]any{"enabled": false}
		}},
		{"system pool autoscaler maximum equal to its minimum", mocktest.Set("aks", "nodeMaxCount", 2)},
		{"pools of 1000 nodes at most", mocktest.All(mocktest.Set("aks", "nodeCount", 1000), mocktest.Set("aks", "nodeMaxCount", 1000),
			mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 0, "maxCount": 1}))},
		{"user pool of 0 to 1000 nodes", mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 0, "maxCount": 1000})},
		{"user pool of one node at most", mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 1, "maxCount": 1})},
		{"upgrade channel none with a pinned patch", mocktest.All(mocktest.Set("aks", "upgradeChannel", "none"), mocktest.Set("aks", "kubernetesVersion", "1.36.1"))},
		{"upgrade channel node-image with a pinned patch", mocktest.All(mocktest.Set("aks", "upgradeChannel", "node-image"), mocktest.Set("aks", "kubernetesVersion", "1.36.1"))},
		{"upgrade channel stable, node OS channel None", mocktest.All(mocktest.Set("aks", "upgradeChannel", "stable"), mocktest.Set("aks", "nodeOSUpgradeChannel", "None"))},
		{"upgrade channel rapid, node OS channel Unmanaged", mocktest.All(mocktest.Set("aks", "upgradeChannel", "rapid"), mocktest.Set("aks", "nodeOSUpgradeChannel", "Unmanaged"))},
		{"node OS channel SecurityPatch", mocktest.Set("aks", "nodeOSUpgradeChannel", "SecurityPatch")},
		{"30 pods per node", mocktest.Set("aks", "maxPods", 30)},
		{"250 pods per node", mocktest.Set("aks", "maxPods", 250)},
		{"pods in the node subnet", mocktest.Set("aks", "cni", "nodeSubnet")},
		{"service range of /12, DNS service IP at its second address", mocktest.All(mocktest.Set("aks", "serviceCidr", "100.64.0.0/12"), mocktest.Set("aks", "dnsServiceIP", "100.64.0.2"))},
		{"node subnet exactly large enough", mocktest.All(mocktest.Set("aks", "nodeMaxCount", 5), mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 1, "maxCount": 4}),
			mocktest.Set("spoke", "aksSubnet", "10.1.0.0/28"))},
		{"three zones", mocktest.All(mocktest.Set("aks", "availabilityZones", []any{"1", "2", "3"}), mocktest.Set("firewall", "availabilityZones", []any{"3", "2", "1"}))},
		{"production stack done right", func(c map[string]any) {
			c["environment"] = "prod"
			c["protect"] = true
			c["aks"].(map[string]any)["adminGroupObjectIds"] = []any{"00000000-0000-0000-0000-000000000001"}
			c["aks"].(map[string]any)["tier"] = "Standard"
			c["keyVault"] = map[string]any{"purgeProtection": true}
		}},
		{"Premium tier", mocktest.Set("aks", "tier", "Premium")},
		{"HTTPS to everywhere is one port, not a catch-all", mocktest.Set("firewall", "extraNetworkRules", []any{map[string]any{
			"name": "https-out", "protocols": []any{"TCP"}, "destinationAddresses": []any{"0.0.0.0/0"}, "destinationPorts": []any{"443"}}})},
		{"application rule on the highest port", mocktest.Set("firewall", "extraApplicationRules", []any{map[string]any{
			"name": "web", "targetFqdns": []any{"*.example.com"}, "protocols": []any{"Https:64000"}}})},
		{"surge and drain at their bounds", mocktest.All(mocktest.Set("aks", "maxSurge", 1), mocktest.Set("aks", "drainTimeoutMinutes", 1440))},
		{"kubectl one minor behind the cluster", mocktest.Set("jumpBox", "kubectlVersion", "1.35.0")},
		{"kubectl one minor ahead of the cluster", mocktest.Set("jumpBox", "kubectlVersion", "1.37.0")},
		{"extra rules at their limits", mocktest.All(
			mocktest.Set("firewall", "extraNetworkRules", []any{
				map[string]any{"name": strings.Repeat("r", 80), "protocols": []any{"TCP", "UDP", "ICMP", "Any"}, "sourceAddresses": []any{"10.1.0.0/22", "10.1.0.4"},
					"destinationAddresses": []any{"10.50.0.0/24"}, "destinationPorts": []any{"1", "65535", "8000-8000", "1-65535"}},
				map[string]any{"name": "all-ports-one-host", "protocols": []any{"TCP"}, "destinationAddresses": []any{"10.50.0.4"}},
				map[string]any{"name": "one-port-anywhere", "protocols": []any{"TCP"}, "destinationAddresses": []any{"*"}, "destinationPorts": []any{"443"}},
				map[string]any{"name": "ntp", "protocols": []any{"UDP"}, "destinationFqdns": []any{"ntp.example.com"}, "destinationPorts": []any{"123"}}}),
			mocktest.Set("firewall", "extraApplicationRules", []any{
				map[string]any{"name": "updates", "fqdnTags": []any{"WindowsUpdate"}, "protocols": []any{"Http:80", "Https:443"}},
				map[string]any{"name": "db", "sourceAddresses": []any{"10.1.0.0/22"}, "targetFqdns": []any{"db.example.com"}, "protocols": []any{"Mssql:1433"}}}))},
		{"user name of 32 characters", mocktest.Set("jumpBox", "adminUsername", strings.Repeat("u", 32))},
		{"RSA SSH key of 2048 bits", mocktest.Set("jumpBox", "sshPublicKey", rsa2048Key)},
		{"vault retention of 7 days", mocktest.Set("keyVault", "retentionDays", 7)},
		{"vault retention of 90 days, generation 1", mocktest.All(mocktest.Set("keyVault", "retentionDays", 90), mocktest.Set("keyVault", "generation", 1))},
		{"workload identity names of 63 characters", mocktest.Set("keyVault", "workloadIdentity", map[string]any{"namespace": strings.Repeat("n", 63), "serviceAccount": "a-" + strings.Repeat("b", 61)})},
		{"DNS forwarders in a /29", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["forwarderSubnet"] = "10.0.2.0/29" })},
		{"resolver subnets of /24 and /28 just outside the reserved range", mocktest.All(mocktest.DNSMode("privateResolver"), func(c map[string]any) {
			c["dns"].(map[string]any)["resolverInboundSubnet"] = "10.0.0.240/28"
			c["dns"].(map[string]any)["resolverOutboundSubnet"] = "10.0.17.0/24"
		})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, tc.edit))
			require.NoError(t, err)
			assert.NotEmpty(t, res.Resources)
		})
	}
}

func TestValidationReportsInTheSameOrderEveryRun(t *testing.T) {
	// Keys checked together (both zone lists, a workload identity's two names) are reported in
	// one order: catches a loop over a Go map, whose order changes from run to run.
	cfg := mocktest.WithConfig(t, func(c map[string]any) {
		c["location"] = "westcentralus"
		c["aks"].(map[string]any)["availabilityZones"] = []any{"1"}
		c["firewall"] = map[string]any{"availabilityZones": []any{"1"}}
		c["keyVault"] = map[string]any{"workloadIdentity": map[string]any{"namespace": "Payments", "serviceAccount": "API_user"}}
	})
	_, first := mocktest.Run(t, "dev", cfg)
	require.Error(t, first)
	assert.Less(t, strings.Index(first.Error(), "aks.availabilityZones"), strings.Index(first.Error(), "firewall.availabilityZones"))
	assert.Less(t, strings.Index(first.Error(), "keyVault.workloadIdentity.namespace"), strings.Index(first.Error(), "keyVault.workloadIdentity.serviceAccount"))
	for range 20 {
		_, again := mocktest.Run(t, "dev", cfg)
		require.Equal(t, first.Error(), again.Error())
	}
}
