// Package azuremock stands in for Azure wherever the program runs without it: under Pulumi's unit
// test mocks and behind the mock provider of the offline engine run. A Cloud keeps what exists, so
// that it refuses what Azure refuses (a child before its parent, a reference to nothing, a rule
// shape ARM rejects); it gives each resource the ID Azure would (from the type table's ARM
// types), fills the `name` output from the resource's Azure name input, and fills what Azure computes with placeholders that no wiring
// mistake could produce: addresses inside their subnet but never its first usable ones (what a
// program could type or derive), a node resource group that is not Azure's default name.
package azuremock

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hubspoke/private-aks/internal/azurerules"
	"github.com/hubspoke/private-aks/internal/azuretype"
)

// Placeholders for what Azure computes.
const (
	SubscriptionID = "11111111-2222-3333-4444-555555555555"
	TenantID       = "66666666-7777-8888-9999-000000000000"
	// DeployerObjectID is the object ID of whoever runs the deployment (getClientConfig).
	DeployerObjectID = "d0d0d0d0-1e1e-4f4f-8a8a-9b9b9b9b9b9b"
	// ZoneGUID is the subzone AKS puts a system-mode private zone in.
	ZoneGUID = "3f2c9a7e-0b1d-4e5f-8a6b-7c8d9e0f1a2b"
	// ClientConfigFunction is the invoke the program makes for the subscription ID.
	ClientConfigFunction = "azure-native:authorization:getClientConfig"
	// skippedHosts are the usable addresses at the start of a subnet the Cloud never hands out:
	// Azure's first dynamic address (.4) and the next, which a program could type or derive.
	skippedHosts = 2
)

// Placeholders lists, for people reading an offline run, which values are placeholders.
var Placeholders = []string{
	"resource IDs: Azure's shape in subscription " + SubscriptionID + " (/resourceGroups/<group>/providers/<ARM type>/<name>, children under their parent)",
	"private addresses (firewall, dynamic NICs, private endpoints): inside their subnet, derived from the resource's name, never the subnet's first two usable addresses",
	"public IPs: 20.<a>.<b>.<c>, derived from the address's name",
	"identity principal and client IDs: name-derived UUIDs",
	"cluster private FQDN: <dnsPrefix>-k8s1a2b3c.<zone>; node resource group: mc-<cluster>-<6 hex> (not Azure's default MC_ name); running version: <MAJOR.MINOR>.2",
	"kubelet, secrets-provider identities: name-derived UUIDs; OIDC issuer: https://<region>.oic.prod-aks.azure.com/<tenant>/<cluster>/",
}

// Cloud is one stand-in Azure: the resources that exist, the subnets of its VNets and the
// addresses handed out. It is safe for concurrent use.
type Cloud struct {
	// Lenient answers without refusing anything: for reading a program's registrations (its
	// dependency graph) rather than judging them.
	Lenient bool
	// Deployer is the object ID of the identity that runs the deployment; empty means
	// DeployerObjectID.
	Deployer string
	mu       sync.Mutex
	exists   map[string]int          // lower-cased resource ID -> creates minus deletes
	subnets  map[string]netip.Prefix // lower-cased subnet ID -> range
	owner    map[netip.Addr]string   // address -> who holds it
	holding  map[string]netip.Addr   // holder -> address
	probed   []string                // holders whose first-choice address was taken
	// deletedVaults are the names of vaults deleted and so soft-deleted: Key Vault names are
	// global, and a soft-deleted vault keeps its name for its retention period.
	deletedVaults map[string]bool
	// zoneLinks are, per VNet and zone name (zoneLinkKey), the lower-cased ID of the link that
	// holds them.
	zoneLinks map[string]string
}

// New is an empty Azure.
func New() *Cloud {
	return &Cloud{exists: map[string]int{}, subnets: map[string]netip.Prefix{}, owner: map[netip.Addr]string{}, holding: map[string]netip.Addr{},
		deletedVaults: map[string]bool{}, zoneLinks: map[string]string{}}
}

// Create answers a create the way Azure does at once (the unit tests' mocks): it refuses what
// Azure refuses, then returns the ID and outputs, and records the resource.
func (c *Cloud) Create(typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	if err := c.Check(typ, inputs); err != nil && !c.Lenient {
		return "", nil, err
	}
	id, state, err := c.Answer(typ, inputs, false)
	if err != nil {
		return "", nil, err
	}
	c.Record(typ, id, state)
	return id, state, nil
}

// nameOf is a resource's Azure name, from the input the type table names.
func nameOf(typ string, inputs resource.PropertyMap) (string, error) {
	info, ok := azuretype.Table[typ]
	if !ok {
		return "", fmt.Errorf("azure mock: no Azure name input known for %s", typ)
	}
	name := inputs[resource.PropertyKey(info.NameInput)]
	if !name.IsString() || name.StringValue() == "" {
		return "", fmt.Errorf("azure mock: %s has no explicit Azure name (%s)", typ, info.NameInput)
	}
	return name.StringValue(), nil
}

// Check refuses, as Azure would at the start of the operation, inputs Azure rejects although the
// SDK's types allow them, and a resource whose resource group, parent or referenced resources do
// not exist yet.
func (c *Cloud) Check(typ string, inputs resource.PropertyMap) error {
	name, err := nameOf(typ, inputs)
	if err != nil {
		return err
	}
	refused := func(err error) error { return fmt.Errorf("azure mock: %s %s refused: %w", typ, name, err) }
	if typ == azuretype.NSG {
		for _, rule := range inputs["securityRules"].ArrayValue() {
			if err := azurerules.SecurityRule(rule.ObjectValue().Mappable()); err != nil {
				return refused(err)
			}
		}
	}
	for _, pool := range agentPools(typ, inputs) {
		size, _ := known(pool, "vmSize")
		if disk, _ := known(pool, "osDiskType"); disk == "Ephemeral" && pool["osDiskSizeGB"].IsNumber() {
			if _, err := azurerules.EphemeralOSDisk(size, int(pool["osDiskSizeGB"].NumberValue())); err != nil {
				return refused(err)
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if rg, ok := known(inputs, "resourceGroupName"); ok && typ != azuretype.ResourceGroup && !c.existsLocked(groupID(rg)) {
		return refused(fmt.Errorf("ResourceGroupNotFound: resource group '%s' could not be found", rg))
	}
	if typ == azuretype.Vault && c.deletedVaults[strings.ToLower(name)] {
		// Key Vault soft delete (Microsoft Learn, "Azure Key Vault soft-delete overview", checked
		// 2026-12-06): the name is taken until the vault is purged or its retention ends.
		return refused(fmt.Errorf("ConflictError: A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault"))
	}
	if key := zoneLinkKey(typ, inputs); key != "" && c.zoneLinks[key] != "" && c.zoneLinks[key] != strings.ToLower(armID(typ, inputs, name)) {
		// A VNet links to one private DNS zone of a name, once (Microsoft Learn, "What is a
		// virtual network link?"; the message as Azure/ARO-RP#796 reports it, checked 2026-12-06).
		return refused(fmt.Errorf("BadRequest: A virtual network cannot be linked to multiple zones with overlapping namespaces (%s is linked by %s)", key, c.zoneLinks[key]))
	}
	if parent, ok := azuretype.Parents[typ]; ok {
		parentName, _ := known(inputs, parent.NameInput)
		if !c.existsLocked(armID(parent.Type, inputs, parentName)) {
			return refused(fmt.Errorf("ParentResourceNotFound: parent resource '%s' (%s) not found", parentName, parent.Type))
		}
	}
	var missing []error
	for _, ref := range StringsIn(resource.NewObjectProperty(inputs)) {
		if c.dangling(ref) {
			missing = append(missing, fmt.Errorf("InvalidResourceReference: resource %s referenced by %s was not found", ref, name))
		}
	}
	if err := errors.Join(missing...); err != nil {
		return refused(err)
	}
	return c.checkStaticAddresses(typ, inputs, refused)
}

// agentPools are a cluster's inline pools, or the agent pool itself.
func agentPools(typ string, inputs resource.PropertyMap) []resource.PropertyMap {
	switch typ {
	case azuretype.AgentPool:
		return []resource.PropertyMap{inputs}
	case azuretype.ManagedCluster:
		var out []resource.PropertyMap
		for _, p := range items(inputs["agentPoolProfiles"]) {
			out = append(out, object(p))
		}
		return out
	}
	return nil
}

// checkStaticAddresses refuses a static private address outside its subnet, among Azure's
// reserved first four, or held by another resource (PrivateIPAddressNotInSubnet,
// PrivateIPAddressInReservedRange, PrivateIPAddressInUse).
func (c *Cloud) checkStaticAddresses(typ string, inputs resource.PropertyMap, refused func(error) error) error {
	for _, s := range staticAddresses(typ, inputs) {
		subnet, ok := c.subnets[strings.ToLower(s.subnetID)]
		switch {
		case !ok:
			continue // an unknown subnet is refused as a dangling reference
		case !subnet.Contains(s.addr):
			return refused(fmt.Errorf("PrivateIPAddressNotInSubnet: %s is not in %s", s.addr, subnet))
		case hostIndex(subnet, s.addr) < 4:
			return refused(fmt.Errorf("PrivateIPAddressInReservedRange: Azure reserves the first four addresses of %s", subnet))
		case c.owner[s.addr] != "" && c.owner[s.addr] != s.holder:
			return refused(fmt.Errorf("PrivateIPAddressInUse: %s is held by %s", s.addr, c.owner[s.addr]))
		}
	}
	return nil
}

// staticAddress is an address a resource asks for itself.
type staticAddress struct {
	holder, subnetID string
	addr             netip.Addr
}

// staticAddresses are the static private addresses of a NIC's or an inbound endpoint's ip
// configurations (the Private Resolver spells the fields privateIp...).
func staticAddresses(typ string, inputs resource.PropertyMap) []staticAddress {
	var out []staticAddress
	name, _ := nameOf(typ, inputs)
	field := func(m resource.PropertyMap, key string) string {
		v, _ := known(m, "privateIP"+key)
		if v == "" {
			v, _ = known(m, "privateIp"+key)
		}
		return v
	}
	for i, cfg := range items(inputs["ipConfigurations"]) {
		m := object(cfg)
		subnetID, _ := known(object(m["subnet"]), "id")
		if addr, err := netip.ParseAddr(field(m, "Address")); err == nil && field(m, "AllocationMethod") == "Static" {
			out = append(out, staticAddress{fmt.Sprintf("%s/%s/%d", typ, name, i), subnetID, addr})
		}
	}
	return out
}

// dangling tells whether a string is a resource ID in the subscription's resource groups that
// names nothing that exists (a subnet ID must name a subnet its VNet declares).
func (c *Cloud) dangling(ref string) bool {
	if !strings.HasPrefix(strings.ToLower(ref), strings.ToLower("/subscriptions/"+SubscriptionID+"/resourceGroups/")) {
		return false
	}
	if strings.Contains(ref, "/subnets/") {
		_, declared := c.subnets[strings.ToLower(ref)]
		return !declared
	}
	return !c.existsLocked(ref)
}

func (c *Cloud) existsLocked(id string) bool {
	return c.exists[strings.ToLower(id)] > 0
}

// Record notes that a resource now exists, with what Azure creates alongside it (see Updated).
func (c *Cloud) Record(typ, id string, state resource.PropertyMap) {
	c.mu.Lock()
	c.exists[strings.ToLower(id)]++
	c.mu.Unlock()
	c.Updated(typ, id, state)
}

// Updated notes what a resource's latest state brings along: a VNet's subnets, the static
// addresses taken, and a cluster's node resource group and system private zone.
func (c *Cloud) Updated(typ, id string, state resource.PropertyMap) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch typ {
	case azuretype.VNet:
		for _, s := range items(state["subnets"]) {
			name, _ := known(object(s), "name")
			prefix, _ := known(object(s), "addressPrefix")
			if p, err := netip.ParsePrefix(prefix); err == nil {
				c.subnets[strings.ToLower(id+"/subnets/"+name)] = p
			}
		}
	case azuretype.ManagedCluster:
		nodeGroup, _ := known(state, "nodeResourceGroup")
		c.exists[strings.ToLower(groupID(nodeGroup))] = 1
		if fqdn, _ := known(state, "privateFQDN"); strings.Contains(fqdn, ZoneGUID) {
			zone := fqdn[strings.Index(fqdn, ".")+1:]
			c.exists[strings.ToLower(armID(azuretype.PrivateZone, resource.PropertyMap{"resourceGroupName": resource.NewStringProperty(nodeGroup)}, zone))] = 1
		}
	}
	for _, s := range staticAddresses(typ, state) {
		c.owner[s.addr] = s.holder
		c.holding[s.holder] = s.addr
	}
	if key := zoneLinkKey(typ, state); key != "" {
		c.zoneLinks[key] = strings.ToLower(id)
	}
}

// zoneLinkKey is what a private DNS zone link holds: its VNet and the zone's name ("" for
// another type).
func zoneLinkKey(typ string, inputs resource.PropertyMap) string {
	if typ != azuretype.VNetLink {
		return ""
	}
	vnet, _ := known(object(inputs["virtualNetwork"]), "id")
	zone, _ := known(inputs, "privateZoneName")
	return strings.ToLower(vnet + " " + zone)
}

// Probed lists the holders that did not get their first-choice address. Their addresses then
// depend on the order of creation, which the engine does not fix: the shipped stacks must have
// none, so that every run gives the same placeholders.
func (c *Cloud) Probed() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.probed)
}

// Delete notes that a resource is gone.
func (c *Cloud) Delete(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.exists[strings.ToLower(id)]--
	maps.DeleteFunc(c.zoneLinks, func(_, link string) bool { return link == strings.ToLower(id) })
	vaults := strings.ToLower("/providers/" + azuretype.Table[azuretype.Vault].ARMType + "/")
	if _, name, ok := strings.Cut(strings.ToLower(id), vaults); ok && !strings.Contains(name, "/") {
		c.deletedVaults[name] = true // soft delete is always on
	}
}

// ClientConfig is the result of getClientConfig: who runs the deployment (Deployer, or
// DeployerObjectID when unset).
func (c *Cloud) ClientConfig() resource.PropertyMap {
	return resource.NewPropertyMapFromMap(map[string]any{
		"subscriptionId": SubscriptionID, "tenantId": TenantID,
		"clientId": "client-id-of-the-deployer", "objectId": cmp.Or(c.Deployer, DeployerObjectID),
	})
}

func groupID(name string) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s", SubscriptionID, name)
}

// armID is the ID Azure gives a resource, built from its ARM type: a child's lies under its
// parent's (an intermediate singleton such as a storage account's blobServices is "default", as
// Azure names it), an extension resource's under the resource it extends, any other's under its
// resource group.
func armID(typ string, inputs resource.PropertyMap, name string) string {
	if typ == azuretype.ResourceGroup {
		return groupID(name)
	}
	armType := azuretype.Table[typ].ARMType
	if parent, ok := azuretype.Parents[typ]; ok {
		parentName, _ := known(inputs, parent.NameInput)
		parentType := azuretype.Table[parent.Type].ARMType
		segments := strings.Split(strings.TrimPrefix(armType, parentType+"/"), "/")
		path := armID(parent.Type, inputs, parentName)
		for _, segment := range segments[:len(segments)-1] {
			path += "/" + segment + "/default"
		}
		return path + "/" + segments[len(segments)-1] + "/" + name
	}
	if scopeInput, ok := azuretype.Scopes[typ]; ok {
		scope, _ := known(inputs, scopeInput)
		return fmt.Sprintf("%s/providers/%s/%s", scope, armType, name)
	}
	rg, ok := known(inputs, "resourceGroupName")
	if !ok {
		rg = "none"
	}
	return fmt.Sprintf("%s/providers/%s/%s", groupID(rg), armType, name)
}

// mockAt is an array's i-th element (null if there is none).
func mockAt(v resource.PropertyValue, i int) resource.PropertyValue {
	if all := items(v); i < len(all) {
		return all[i]
	}
	return resource.NewNullProperty()
}

// items are an array's elements (none if the value is not an array).
func items(v resource.PropertyValue) []resource.PropertyValue {
	if !v.IsArray() {
		return nil
	}
	return v.ArrayValue()
}

// object is an object's properties (none if the value is not an object).
func object(v resource.PropertyValue) resource.PropertyMap {
	if !v.IsObject() {
		return nil
	}
	return v.ObjectValue()
}

// known reads a known string input.
func known(pm resource.PropertyMap, key string) (string, bool) {
	v := pm[resource.PropertyKey(key)]
	if !v.IsString() {
		return "", false
	}
	return v.StringValue(), true
}

// StringsIn are the strings anywhere in a value, resource IDs among them.
func StringsIn(v resource.PropertyValue) []string {
	switch {
	case v.IsString():
		return []string{v.StringValue()}
	case v.IsArray():
		var out []string
		for _, x := range v.ArrayValue() {
			out = append(out, StringsIn(x)...)
		}
		return out
	case v.IsObject():
		var out []string
		for _, k := range v.ObjectValue().StableKeys() {
			out = append(out, StringsIn(v.ObjectValue()[k])...)
		}
		return out
	}
	return nil
}

// hostIndex is an address's position in its subnet (0 is the network address).
func hostIndex(subnet netip.Prefix, addr netip.Addr) uint32 {
	return toUint(addr) - toUint(subnet.Masked().Addr())
}

func toUint(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func fromUint(n uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], n)
	return netip.AddrFrom4(b)
}

// address is what Azure reports as holder's address in a subnet: the one it holds, or, unless
// this is a preview, a new one (allocate). A preview of an address not yet handed out is unknown.
func (c *Cloud) address(subnetID, holder string, preview bool) (resource.PropertyValue, error) {
	c.mu.Lock()
	a, ok := c.holding[holder]
	c.mu.Unlock()
	switch {
	case ok:
		return resource.NewStringProperty(a.String()), nil
	case preview:
		return resource.MakeComputed(resource.NewStringProperty("")), nil
	}
	ip, err := c.allocate(subnetID, holder)
	return resource.NewStringProperty(ip), err
}

// allocate hands holder an address of the subnet: derived from holder, never Azure's four
// reserved first addresses, the first two usable ones or the last.
func (c *Cloud) allocate(subnetID, holder string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	subnet, ok := c.subnets[strings.ToLower(subnetID)]
	if !ok {
		return "", fmt.Errorf("azure mock: %s asks for an address in %s, which no VNet declares", holder, subnetID)
	}
	first := 4 + skippedHosts
	size := uint32(1)<<(32-subnet.Bits()) - uint32(first) - 1
	h := sha256.Sum256([]byte("ip of " + holder))
	start := binary.BigEndian.Uint32(h[:4]) % size
	base := toUint(subnet.Masked().Addr()) + uint32(first)
	for i := range size {
		addr := fromUint(base + (start+i)%size)
		if c.owner[addr] == "" {
			c.owner[addr], c.holding[holder] = holder, addr
			return addr.String(), nil
		}
		if i == 0 {
			c.probed = append(c.probed, holder+" (wanted "+addr.String()+", held by "+c.owner[addr]+")")
		}
	}
	return "", fmt.Errorf("azure mock: SubnetIsFull: no address left in %s for %s", subnet, holder)
}

// Answer is what Azure returns for a resource with these inputs: its ID and its outputs. A
// preview changes nothing and leaves what is not computed yet unknown.
func (c *Cloud) Answer(typ string, inputs resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	name, err := nameOf(typ, inputs)
	if err != nil {
		return "", nil, err
	}
	id := armID(typ, inputs, name)
	state := inputs.Copy()
	state["name"] = resource.NewStringProperty(name)
	if err := c.fillComputed(typ, id, inputs, state, preview); err != nil {
		return "", nil, err
	}
	return id, state, nil
}

// withPrivateIP is a copy of ip configurations whose first one has the address Azure gave it.
func (c *Cloud) withPrivateIP(configs resource.PropertyValue, holder string, preview bool) (resource.PropertyValue, error) {
	all := items(configs)
	if len(all) == 0 {
		return configs, nil
	}
	first := object(all[0]).Copy()
	subnetID, _ := known(object(first["subnet"]), "id")
	ip, err := c.address(subnetID, holder, preview)
	if err != nil {
		return resource.PropertyValue{}, err
	}
	first["privateIPAddress"] = ip
	return resource.NewArrayProperty(append([]resource.PropertyValue{resource.NewObjectProperty(first)}, all[1:]...)), nil
}

func (c *Cloud) fillComputed(typ, id string, inputs, state resource.PropertyMap, preview bool) error {
	var err error
	switch typ {
	case azuretype.Firewall:
		state["ipConfigurations"], err = c.withPrivateIP(inputs["ipConfigurations"], id, preview)
	case azuretype.NIC:
		// A static address is kept, as Azure does; a dynamic one is handed out.
		if method, _ := known(object(mockAt(inputs["ipConfigurations"], 0)), "privateIPAllocationMethod"); method != "Static" {
			state["ipConfigurations"], err = c.withPrivateIP(inputs["ipConfigurations"], id, preview)
		}
	case azuretype.PrivateEndpoint:
		state["customDnsConfigs"], err = c.privateEndpointRecords(id, inputs, preview)
	case azuretype.Registry:
		state["loginServer"] = resource.NewStringProperty(inputs["registryName"].StringValue() + ".azurecr.io")
	case azuretype.Vault:
		properties := inputs["properties"].ObjectValue().Copy()
		properties["vaultUri"] = resource.NewStringProperty("https://" + inputs["vaultName"].StringValue() + ".vault.azure.net/")
		state["properties"] = resource.NewObjectProperty(properties)
	case azuretype.PublicIP:
		// One distinct address per name, so that the firewall's and Bastion's cannot be mixed up.
		h := sha256.Sum256([]byte(inputs["publicIpAddressName"].StringValue()))
		state["ipAddress"] = resource.NewStringProperty(fmt.Sprintf("20.%d.%d.%d", h[0], h[1], 1+h[2]%254))
	case azuretype.Key:
		state["keyUri"] = resource.NewStringProperty(fmt.Sprintf("https://%s.vault.azure.net/keys/%s", inputs["vaultName"].StringValue(), inputs["keyName"].StringValue()))
	case azuretype.StorageAccount:
		state["primaryEndpoints"] = resource.NewObjectProperty(resource.PropertyMap{
			"blob": resource.NewStringProperty("https://" + inputs["accountName"].StringValue() + ".blob.core.windows.net/"),
		})
	case azuretype.Identity:
		name := inputs["resourceName"].StringValue()
		state["principalId"] = resource.NewStringProperty(uuid.NewSHA1(uuid.NameSpaceOID, []byte("principal:"+name)).String())
		state["clientId"] = resource.NewStringProperty(uuid.NewSHA1(uuid.NameSpaceOID, []byte("client:"+name)).String())
	case azuretype.ManagedCluster:
		fillCluster(inputs, state)
	}
	return err
}

// fillCluster fills what AKS computes for a cluster.
func fillCluster(inputs, state resource.PropertyMap) {
	location := inputs["location"].StringValue()
	cluster := inputs["resourceName"].StringValue()
	zone := fmt.Sprintf("%s.privatelink.%s.azmk8s.io", ZoneGUID, location)
	if z := inputs["apiServerAccessProfile"].ObjectValue()["privateDNSZone"]; z.IsString() && z.StringValue() != "system" {
		zone = z.StringValue()[strings.LastIndex(z.StringValue(), "/")+1:]
	}
	state["privateFQDN"] = resource.NewStringProperty(fmt.Sprintf("%s-k8s1a2b3c.%s", inputs["dnsPrefix"].StringValue(), zone))
	// AKS runs a patch of a MAJOR.MINOR version (the offline Azure's auto-upgrade later moves it
	// to .3): never the bare version the stack file names.
	if version := inputs["kubernetesVersion"].StringValue(); strings.Count(version, ".") == 1 {
		state["currentKubernetesVersion"] = resource.NewStringProperty(version + ".2")
	} else {
		state["currentKubernetesVersion"] = resource.NewStringProperty(version)
	}
	// Not Azure's default MC_<group>_<cluster>_<region>: a program that derives the default
	// instead of reading this output shows up.
	h := sha256.Sum256([]byte(inputs["resourceGroupName"].StringValue() + "/" + cluster))
	state["nodeResourceGroup"] = resource.NewStringProperty(fmt.Sprintf("mc-%s-%s", cluster, hex.EncodeToString(h[:3])))
	// The identities AKS creates itself: the kubelet's and the Key Vault secrets provider's,
	// each distinct from the control plane's, so a grant to the wrong one shows.
	identity := func(of string) resource.PropertyValue {
		return resource.NewObjectProperty(resource.NewPropertyMapFromMap(map[string]any{
			"objectId": uuid.NewSHA1(uuid.NameSpaceOID, []byte(of+" object:"+cluster)).String(),
			"clientId": uuid.NewSHA1(uuid.NameSpaceOID, []byte(of+" client:"+cluster)).String(),
		}))
	}
	state["identityProfile"] = resource.NewObjectProperty(resource.PropertyMap{"kubeletidentity": identity("kubelet")})
	if addons := inputs["addonProfiles"]; addons.IsObject() {
		out := addons.ObjectValue().Copy()
		if kv := out["azureKeyvaultSecretsProvider"]; kv.IsObject() {
			withIdentity := kv.ObjectValue().Copy()
			withIdentity["identity"] = identity("azurekeyvaultsecretsprovider")
			out["azureKeyvaultSecretsProvider"] = resource.NewObjectProperty(withIdentity)
		}
		state["addonProfiles"] = resource.NewObjectProperty(out)
	}
	state["oidcIssuerProfile"] = resource.NewObjectProperty(resource.PropertyMap{
		"enabled":   resource.NewBoolProperty(true),
		"issuerURL": resource.NewStringProperty(fmt.Sprintf("https://%s.oic.prod-aks.azure.com/%s/%s/", location, TenantID, cluster)),
	})
}

// privateEndpointFQDNs are the names a private endpoint answers for, by group: the registry and
// its regional data endpoint, or the vault (Microsoft Learn, Azure Private Endpoint DNS values).
var privateEndpointFQDNs = map[string][]string{
	"registry": {"%[1]s.azurecr.io", "%[1]s.%[2]s.data.azurecr.io"},
	"vault":    {"%[1]s.vault.azure.net"},
}

// privateEndpointRecords are what Azure reports of a private endpoint's addresses: one per name,
// each handed out in the endpoint's subnet.
func (c *Cloud) privateEndpointRecords(id string, inputs resource.PropertyMap, preview bool) (resource.PropertyValue, error) {
	connection := inputs["privateLinkServiceConnections"].ArrayValue()[0].ObjectValue()
	service := connection["privateLinkServiceId"].StringValue()
	service = service[strings.LastIndex(service, "/")+1:]
	subnetID, _ := known(inputs["subnet"].ObjectValue(), "id")
	var records []resource.PropertyValue
	for _, group := range connection["groupIds"].ArrayValue() {
		for _, pattern := range privateEndpointFQDNs[group.StringValue()] {
			fqdn := fmt.Sprintf(pattern, service, inputs["location"].StringValue())
			ip, err := c.address(subnetID, id+"/"+fqdn, preview)
			if err != nil {
				return resource.PropertyValue{}, err
			}
			records = append(records, resource.NewObjectProperty(resource.PropertyMap{
				"fqdn": resource.NewStringProperty(fqdn), "ipAddresses": resource.NewArrayProperty([]resource.PropertyValue{ip}),
			}))
		}
	}
	return resource.NewArrayProperty(records), nil
}
