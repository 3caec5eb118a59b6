// Package azuremock stands in for Azure wherever the program runs without it: under Pulumi's unit
// test mocks and behind the mock provider of the offline engine run. It gives each resource an
// Azure-like ID, fills the `name` output from the resource's Azure name input, and fills what Azure
// computes with distinct placeholder values, so that a wrong wiring shows up as a wrong value.
package azuremock

import (
	"crypto/sha256"
	"fmt"
	"strings"

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
	// FirewallPrivateIP is not the usual first address of the subnet, so a typed-in 10.0.0.4 fails.
	FirewallPrivateIP = "10.0.0.37"
	JumpBoxPrivateIP  = "10.0.1.4"
	// ZoneGUID is the subzone AKS puts a system-mode private zone in.
	ZoneGUID = "3f2c9a7e-0b1d-4e5f-8a6b-7c8d9e0f1a2b"
	// ClientConfigFunction is the invoke the program makes for the subscription ID.
	ClientConfigFunction = "azure-native:authorization:getClientConfig"
)

// Placeholders lists, for people reading an offline run, which values are placeholders.
var Placeholders = []string{
	"resource IDs: /subscriptions/" + SubscriptionID + "/resourceGroups/<group>/providers/mock/<type>/<name>",
	"firewall private IP: " + FirewallPrivateIP,
	"jump box private IP: " + JumpBoxPrivateIP,
	"public IPs: 20.<a>.<b>.<c>, derived from the address's name",
	"identity principal and client IDs: name-derived UUIDs",
	"cluster private FQDN: <dnsPrefix>-k8s1a2b3c.<zone>; node resource group: MC_<group>_<cluster>_<region>",
	"kubelet, secrets-provider identities: name-derived UUIDs; OIDC issuer: https://<region>.oic.prod-aks.azure.com/<tenant>/<cluster>/",
	"private endpoint addresses: 10.1.4.<n>, derived from each name",
}

// Create returns the ID and the outputs Azure would give a new resource of a type with these inputs.
func Create(typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	info, ok := azuretype.Table[typ]
	nameKey := info.NameInput
	if !ok {
		return "", nil, fmt.Errorf("azure mock: no Azure name input known for %s", typ)
	}
	name := inputs[resource.PropertyKey(nameKey)]
	if !name.IsString() || name.StringValue() == "" {
		return "", nil, fmt.Errorf("azure mock: %s has no explicit Azure name (%s)", typ, nameKey)
	}
	if err := refuse(typ, inputs); err != nil {
		return "", nil, fmt.Errorf("azure mock: %s %s refused: %w", typ, name.StringValue(), err)
	}
	state := inputs.Copy()
	state["name"] = name
	fillComputed(typ, inputs, state)
	return armID(typ, inputs, name.StringValue()), state, nil
}

// refuse answers as Azure does to inputs it rejects although the SDK's types allow them.
func refuse(typ string, inputs resource.PropertyMap) error {
	if typ == azuretype.NSG {
		for _, rule := range inputs["securityRules"].ArrayValue() {
			if err := azurerules.SecurityRule(rule.ObjectValue().Mappable()); err != nil {
				return err
			}
		}
	}
	return nil
}

// ClientConfig is the result of getClientConfig.
func ClientConfig() resource.PropertyMap {
	return resource.NewPropertyMapFromMap(map[string]any{
		"subscriptionId": SubscriptionID, "tenantId": TenantID,
		"clientId": "client-id-of-the-deployer", "objectId": DeployerObjectID,
	})
}

// armID builds an Azure-like resource ID: distinct, stable and readable in failures.
func armID(typ string, inputs resource.PropertyMap, name string) string {
	if typ == azuretype.ResourceGroup {
		return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s", SubscriptionID, name)
	}
	if scope := inputs["resourceUri"]; scope.IsString() {
		// An extension resource: its ID lies under the resource it extends.
		return fmt.Sprintf("%s/providers/mock/%s/%s", scope.StringValue(), typ[strings.LastIndex(typ, ":")+1:], name)
	}
	rg := "none"
	if v := inputs["resourceGroupName"]; v.IsString() {
		rg = v.StringValue()
	}
	kind := typ[strings.LastIndex(typ, ":")+1:]
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/mock/%s/%s", SubscriptionID, rg, kind, name)
}

func withFirstPrivateIP(configs resource.PropertyValue, ip string) resource.PropertyValue {
	all := configs.ArrayValue()
	first := all[0].ObjectValue().Copy()
	first["privateIPAddress"] = resource.NewStringProperty(ip)
	return resource.NewArrayProperty(append([]resource.PropertyValue{resource.NewObjectProperty(first)}, all[1:]...))
}

func fillComputed(typ string, inputs, state resource.PropertyMap) {
	switch typ {
	case azuretype.Firewall:
		state["ipConfigurations"] = withFirstPrivateIP(inputs["ipConfigurations"], FirewallPrivateIP)
	case azuretype.NIC:
		// A static address is kept, as Azure does; a dynamic one gets the placeholder.
		if first := inputs["ipConfigurations"].ArrayValue()[0].ObjectValue(); first["privateIPAllocationMethod"].StringValue() != "Static" {
			state["ipConfigurations"] = withFirstPrivateIP(inputs["ipConfigurations"], JumpBoxPrivateIP)
		}
	case azuretype.PrivateEndpoint:
		state["customDnsConfigs"] = privateEndpointRecords(inputs)
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
	case azuretype.Identity:
		name := inputs["resourceName"].StringValue()
		state["principalId"] = resource.NewStringProperty(uuid.NewSHA1(uuid.NameSpaceOID, []byte("principal:"+name)).String())
		state["clientId"] = resource.NewStringProperty(uuid.NewSHA1(uuid.NameSpaceOID, []byte("client:"+name)).String())
	case azuretype.ManagedCluster:
		location := inputs["location"].StringValue()
		zone := fmt.Sprintf("%s.privatelink.%s.azmk8s.io", ZoneGUID, location)
		if z := inputs["apiServerAccessProfile"].ObjectValue()["privateDNSZone"]; z.IsString() && z.StringValue() != "system" {
			zone = z.StringValue()[strings.LastIndex(z.StringValue(), "/")+1:]
		}
		state["privateFQDN"] = resource.NewStringProperty(fmt.Sprintf("%s-k8s1a2b3c.%s", inputs["dnsPrefix"].StringValue(), zone))
		state["nodeResourceGroup"] = resource.NewStringProperty(fmt.Sprintf("MC_%s_%s_%s",
			inputs["resourceGroupName"].StringValue(), inputs["resourceName"].StringValue(), location))
		// The identities AKS creates itself: the kubelet's and the Key Vault secrets provider's,
		// each distinct from the control plane's, so a grant to the wrong one shows.
		cluster := inputs["resourceName"].StringValue()
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
}

// privateEndpointFQDNs are the names a private endpoint answers for, by group: the registry and
// its regional data endpoint, or the vault (Microsoft Learn, Azure Private Endpoint DNS values).
var privateEndpointFQDNs = map[string][]string{
	"registry": {"%[1]s.azurecr.io", "%[1]s.%[2]s.data.azurecr.io"},
	"vault":    {"%[1]s.vault.azure.net"},
}

// privateEndpointRecords are what Azure reports of a private endpoint's addresses: one per name,
// placeholders derived from the name (10.1.4.<n>), distinct so a mix-up shows.
func privateEndpointRecords(inputs resource.PropertyMap) resource.PropertyValue {
	connection := inputs["privateLinkServiceConnections"].ArrayValue()[0].ObjectValue()
	service := connection["privateLinkServiceId"].StringValue()
	service = service[strings.LastIndex(service, "/")+1:]
	var records []any
	for _, group := range connection["groupIds"].ArrayValue() {
		for _, pattern := range privateEndpointFQDNs[group.StringValue()] {
			fqdn := fmt.Sprintf(pattern, service, inputs["location"].StringValue())
			h := sha256.Sum256([]byte(fqdn))
			records = append(records, map[string]any{"fqdn": fqdn, "ipAddresses": []any{fmt.Sprintf("10.1.4.%d", 5+int(h[0])%25)}})
		}
	}
	return resource.NewPropertyValue(records)
}
