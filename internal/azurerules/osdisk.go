package azurerules

import (
	"fmt"
	"slices"
)

// OS disks of AKS nodes: 30 GiB at least (the AKS image; Microsoft Learn, "Create node pools",
// and azure-cli's --node-osdisk-size help), 2048 at most (REST spec, ContainerServiceOSDisk,
// 2024-10-01). Checked 2026-12-06.
const (
	MinOSDiskGB = 30
	MaxOSDiskGB = 2048
)

// localDiskGiB are, per VM size, the GiB of the local disk an ephemeral OS disk lives on. These
// v5 sizes have no cache disk: AKS places the OS disk on the temp (resource) disk, which must hold
// it (Microsoft Learn, "Ephemeral OS disks" and AKS "Storage concepts", ephemeral OS; the temp
// disk sizes from the Local Storage tab of the Ddsv5, Dadsv5 and Edsv5 series pages; checked
// 2026-12-06). 0: the size has no local disk (Dsv5: "No local storage present in this series").
// The v6 sizes (NVMe local disks, where the OS disk takes a whole disk) are left out until
// Azure/AKS#5568 (a v6 size reporting no local disk, open 2026-12-06) is settled.
var localDiskGiB = map[string]int{
	"Standard_D2ds_v5": 75, "Standard_D4ds_v5": 150, "Standard_D8ds_v5": 300, "Standard_D16ds_v5": 600,
	"Standard_D4ads_v5": 150, "Standard_D8ads_v5": 300,
	"Standard_E4ds_v5": 150, "Standard_E8ds_v5": 300,
	"Standard_D4s_v5": 0, "Standard_D8s_v5": 0,
}

// EphemeralOSDiskSizes are the sizes whose local disk can hold an ephemeral OS disk, sorted.
func EphemeralOSDiskSizes() []string {
	var out []string
	for size, gib := range localDiskGiB {
		if gib > 0 {
			out = append(out, size)
		}
	}
	slices.Sort(out)
	return out
}

// EphemeralOSDisk checks an ephemeral OS disk of sizeGB on a VM size the way AKS does before it
// creates the pool: the local disk must hold it (VMCannotFitEphemeralOSDisk). known is false for
// a size not in the table.
func EphemeralOSDisk(vmSize string, sizeGB int) (known bool, err error) {
	local, known := localDiskGiB[vmSize]
	switch {
	case !known:
		return false, nil
	case local == 0:
		return true, fmt.Errorf("VMCannotFitEphemeralOSDisk: %s has no local disk for an ephemeral OS disk", vmSize)
	case sizeGB > local:
		return true, fmt.Errorf("VMCannotFitEphemeralOSDisk: the OS disk of %d GiB does not fit the %d GiB temp disk of %s", sizeGB, local, vmSize)
	}
	return true, nil
}
