package offline

import (
	"fmt"
	"sort"
	"strings"
)

// field reads a nested value of a resource's outputs: field(m, "a", 0, "b") is m.a[0].b.
func field(m map[string]any, path ...any) any {
	var v any = m
	for _, step := range path {
		switch s := step.(type) {
		case string:
			obj, _ := v.(map[string]any)
			v = obj[s]
		case int:
			arr, _ := v.([]any)
			if s >= len(arr) {
				return nil
			}
			v = arr[s]
		}
	}
	return v
}

func text(m map[string]any, path ...any) string {
	s, _ := field(m, path...).(string)
	return s
}

// quote makes a DOT string; labels use DOT's own \n for line breaks, so backslashes pass as they are.
func quote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// topology collects the network picture's nodes and edges from the state.
type topology struct {
	groups map[string][]string // resource group -> DOT lines inside it
	edges  []string
}

func (t *topology) add(group, line string) {
	t.groups[group] = append(t.groups[group], line)
}

// TopologyDOT draws the network topology of an exported state as Graphviz DOT: resource groups,
// VNets and subnets with their ranges, the firewall with its IPs, the route, the jump box, the
// cluster, the private DNS zone with its links, and the peerings. The output is deterministic.
func TopologyDOT(st State) string {
	t := &topology{groups: map[string][]string{}}
	byID := map[string]StateResource{}
	for _, r := range st.Resources {
		if r.ID != "" {
			byID[r.ID] = r
		}
	}
	vnetNode := func(id string) string { return "vnet:" + text(byID[id].Outputs, "name") }
	publicIPs := map[string]string{}
	for _, r := range st.Resources {
		if r.Type == "azure-native:network:PublicIPAddress" {
			publicIPs[r.ID] = text(r.Outputs, "ipAddress")
		}
	}
	for _, r := range st.Resources {
		o := r.Outputs
		rg := text(o, "resourceGroupName")
		switch r.Type {
		case "azure-native:network:VirtualNetwork":
			t.vnet(r, byID)
		case "azure-native:network:AzureFirewall":
			label := fmt.Sprintf("Azure Firewall %s (%s)\\nprivate IP %s\\npublic IP %s", text(o, "name"), text(o, "sku", "tier"),
				text(o, "ipConfigurations", 0, "privateIPAddress"), publicIPs[text(o, "ipConfigurations", 0, "publicIPAddress", "id")])
			t.add(rg, fmt.Sprintf("%s [label=%s, shape=box, style=filled, fillcolor=\"#fde2e2\"];", quote(r.ID), quote(label)))
			t.edges = append(t.edges, fmt.Sprintf("%s -> %s [arrowhead=none];", quote(r.ID), quote("subnet:"+text(o, "ipConfigurations", 0, "subnet", "id"))))
		case "azure-native:network:RouteTable":
			t.add(rg, fmt.Sprintf("%s [label=%s, shape=note];", quote(r.ID), quote("Route table "+text(o, "name"))))
		case "azure-native:network:Route":
			label := fmt.Sprintf("%s -> %s %s", text(o, "addressPrefix"), text(o, "nextHopType"), text(o, "nextHopIpAddress"))
			for _, rt := range st.Resources {
				if rt.Type == "azure-native:network:RouteTable" && text(rt.Outputs, "name") == text(o, "routeTableName") {
					t.add(rg, fmt.Sprintf("%s [label=%s, shape=plain];", quote(r.URN), quote("route "+label)))
					t.edges = append(t.edges, fmt.Sprintf("%s -> %s [arrowhead=none, style=dotted];", quote(rt.ID), quote(r.URN)))
				}
			}
		case "azure-native:network:NetworkInterface":
			t.edges = append(t.edges, fmt.Sprintf("%s -> %s [arrowhead=none];", quote(r.ID), quote("subnet:"+text(o, "ipConfigurations", 0, "subnet", "id"))))
			t.add(rg, fmt.Sprintf("%s [label=%s, shape=box];", quote(r.ID), quote("NIC "+text(o, "name")+"\\n"+text(o, "ipConfigurations", 0, "privateIPAddress")+", no public IP")))
		case "azure-native:compute:VirtualMachine":
			t.add(rg, fmt.Sprintf("%s [label=%s, shape=box3d];", quote(r.ID), quote("VM "+text(o, "name")+"\\n"+text(o, "hardwareProfile", "vmSize"))))
			t.edges = append(t.edges, fmt.Sprintf("%s -> %s [arrowhead=none];", quote(r.ID), quote(text(o, "networkProfile", "networkInterfaces", 0, "id"))))
		case "azure-native:containerservice/v20241001:ManagedCluster":
			label := fmt.Sprintf("Private AKS %s\\n%s\\noutbound %s, %s %s", text(o, "name"), text(o, "privateFQDN"),
				text(o, "networkProfile", "outboundType"), text(o, "networkProfile", "networkPlugin"), text(o, "networkProfile", "networkPluginMode"))
			t.add(rg, fmt.Sprintf("%s [label=%s, shape=box, style=filled, fillcolor=\"#dbeafe\"];", quote(r.ID), quote(label)))
			t.edges = append(t.edges, fmt.Sprintf("%s -> %s [arrowhead=none, label=\"nodes\"];", quote(r.ID), quote("subnet:"+text(o, "agentPoolProfiles", 0, "vnetSubnetID"))))
		case "azure-native:network:VirtualNetworkLink":
			zone := "zone:" + text(o, "privateZoneName")
			t.add(rg, fmt.Sprintf("%s [label=%s, shape=cylinder];", quote(zone), quote("Private DNS zone\\n"+text(o, "privateZoneName"))))
			t.edges = append(t.edges, fmt.Sprintf("%s -> %s [label=%s, style=dashed];", quote(zone), quote(vnetNode(text(o, "virtualNetwork", "id"))), quote("link "+text(o, "name"))))
		case "azure-native:network:BastionHost":
			label := fmt.Sprintf("Azure Bastion %s (%s)\\npublic IP %s", text(o, "name"), text(o, "sku", "name"),
				publicIPs[text(o, "ipConfigurations", 0, "publicIPAddress", "id")])
			t.add(rg, fmt.Sprintf("%s [label=%s, shape=box, style=filled, fillcolor=\"#fef3c7\"];", quote(r.ID), quote(label)))
			t.edges = append(t.edges, fmt.Sprintf("%s -> %s [arrowhead=none];", quote(r.ID), quote("subnet:"+text(o, "ipConfigurations", 0, "subnet", "id"))))
		case "azure-native:network:InboundEndpoint":
			label := fmt.Sprintf("DNS Private Resolver inbound %s\\n%s", text(o, "name"), text(o, "ipConfigurations", 0, "privateIpAddress"))
			t.add(rg, fmt.Sprintf("%s [label=%s, shape=box];", quote(r.ID), quote(label)))
			t.edges = append(t.edges, fmt.Sprintf("%s -> %s [arrowhead=none];", quote(r.ID), quote("subnet:"+text(o, "ipConfigurations", 0, "subnet", "id"))))
		case "azure-native:containerregistry:Registry":
			label := fmt.Sprintf("Container registry %s (%s)\\npublic access %s", text(o, "name"), text(o, "sku", "name"), text(o, "publicNetworkAccess"))
			t.add(rg, fmt.Sprintf("%s [label=%s, shape=box, style=filled, fillcolor=\"#dcfce7\"];", quote(r.ID), quote(label)))
		case "azure-native:keyvault:Vault":
			label := fmt.Sprintf("Key Vault %s\\nAzure RBAC, public access %s", text(o, "name"), text(o, "properties", "publicNetworkAccess"))
			t.add(rg, fmt.Sprintf("%s [label=%s, shape=box, style=filled, fillcolor=\"#dcfce7\"];", quote(r.ID), quote(label)))
		case "azure-native:network:PrivateEndpoint":
			label := "Private endpoint " + text(o, "name")
			for _, c := range field(o, "customDnsConfigs").([]any) {
				label += fmt.Sprintf("\\n%s %s", text(c.(map[string]any), "fqdn"), text(c.(map[string]any), "ipAddresses", 0))
			}
			t.add(rg, fmt.Sprintf("%s [label=%s, shape=box];", quote(r.ID), quote(label)))
			t.edges = append(t.edges, fmt.Sprintf("%s -> %s [arrowhead=none];", quote(r.ID), quote("subnet:"+text(o, "subnet", "id"))),
				fmt.Sprintf("%s -> %s [label=\"private link\", style=dashed];", quote(r.ID), quote(text(o, "privateLinkServiceConnections", 0, "privateLinkServiceId"))))
		case "azure-native:network:VirtualNetworkPeering":
			t.edges = append(t.edges, fmt.Sprintf("%s -> %s [label=%s, color=\"#2563eb\"];", quote("vnet:"+text(o, "virtualNetworkName")),
				quote(vnetNode(text(o, "remoteVirtualNetwork", "id"))), quote(text(o, "name"))))
		}
	}
	return t.render()
}

func (t *topology) vnet(r StateResource, byID map[string]StateResource) {
	o := r.Outputs
	name := text(o, "name")
	var prefixes []string
	list, _ := field(o, "addressSpace", "addressPrefixes").([]any)
	for _, p := range list {
		prefixes = append(prefixes, fmt.Sprint(p))
	}
	label := name + "\\n" + strings.Join(prefixes, ", ")
	if servers, _ := field(o, "dhcpOptions", "dnsServers").([]any); len(servers) > 0 {
		label += fmt.Sprintf("\\nDNS servers %v", servers)
	}
	lines := []string{
		fmt.Sprintf("subgraph %s {", quote("cluster_"+name)),
		fmt.Sprintf("label=%s; style=rounded;", quote("VNet "+name)),
		fmt.Sprintf("%s [label=%s, shape=ellipse];", quote("vnet:"+name), quote(label)),
	}
	subnets, _ := field(o, "subnets").([]any)
	for i := range subnets {
		sn := text(o, "subnets", i, "name")
		id := r.ID + "/subnets/" + sn
		lines = append(lines, fmt.Sprintf("%s [label=%s, shape=box, style=rounded];", quote("subnet:"+id), quote(sn+"\\n"+text(o, "subnets", i, "addressPrefix"))))
		if rt := text(o, "subnets", i, "routeTable", "id"); rt != "" {
			t.edges = append(t.edges, fmt.Sprintf("%s -> %s [label=\"UDR\", style=dotted];", quote(rt), quote("subnet:"+id)))
		}
	}
	t.add(text(o, "resourceGroupName"), strings.Join(append(lines, "}"), "\n"))
}

func (t *topology) render() string {
	var b strings.Builder
	b.WriteString("digraph topology {\nrankdir=TB; compound=true; newrank=true; fontname=\"Helvetica\";\nnode [fontname=\"Helvetica\", fontsize=10]; edge [fontname=\"Helvetica\", fontsize=9];\n")
	groups := make([]string, 0, len(t.groups))
	for g := range t.groups {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		lines := t.groups[g]
		fmt.Fprintf(&b, "subgraph %s {\nlabel=%s; style=dashed;\n%s\n}\n", quote("cluster_rg_"+g), quote("Resource group "+g), strings.Join(uniq(lines), "\n"))
	}
	b.WriteString(strings.Join(uniq(t.edges), "\n"))
	b.WriteString("\n}\n")
	return b.String()
}

// uniq sorts lines and drops repeats, so the DOT text is the same every run.
func uniq(lines []string) []string {
	sort.Strings(lines)
	out := lines[:0]
	for i, l := range lines {
		if i == 0 || l != lines[i-1] {
			out = append(out, l)
		}
	}
	return out
}
