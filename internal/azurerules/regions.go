package azurerules

import "slices"

// The public Azure regions a resource can be deployed to, by their programmatic names (Microsoft
// Learn, "Azure regions list", page updated 2026-07-28 with indiasouthcentral; checked
// 2026-12-06). Logical names (global, the geographies such as europe), canary (*euap), staging
// and sovereign-cloud regions are not deployment targets for this program. A new region is added
// here with the date it was checked.
var (
	// zonalRegions have availability zones (the same page's "Availability zones" column).
	zonalRegions = []string{
		"australiaeast", "austriaeast", "belgiumcentral", "brazilsouth", "canadacentral", "centralindia",
		"centralus", "chilecentral", "denmarkeast", "eastasia", "eastus", "eastus2", "francecentral",
		"germanywestcentral", "indiasouthcentral", "indonesiacentral", "israelcentral", "italynorth",
		"japaneast", "japanwest", "koreacentral", "malaysiawest", "mexicocentral", "newzealandnorth",
		"northeurope", "norwayeast", "polandcentral", "qatarcentral", "southafricanorth", "southcentralus",
		"southeastasia", "spaincentral", "swedencentral", "switzerlandnorth", "uaenorth", "uksouth",
		"westeurope", "westus2", "westus3",
	}
	// otherRegions have none. Of them australiacentral2, brazilsoutheast, francesouth,
	// germanynorth, norwaywest, southafricawest, switzerlandwest and uaecentral are
	// access-restricted: a subscription needs Microsoft's approval to deploy there.
	otherRegions = []string{
		"australiacentral", "australiacentral2", "australiasoutheast", "brazilsoutheast", "canadaeast",
		"francesouth", "germanynorth", "koreasouth", "northcentralus", "norwaywest", "southafricawest",
		"southindia", "switzerlandwest", "uaecentral", "ukwest", "westcentralus", "westindia", "westus",
	}
)

// Region tells whether name is a public Azure region, and whether it has availability zones.
func Region(name string) (exists, zonal bool) {
	if slices.Contains(zonalRegions, name) {
		return true, true
	}
	return slices.Contains(otherRegions, name), false
}
