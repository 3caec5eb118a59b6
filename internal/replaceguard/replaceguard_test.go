package replaceguard

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A `pulumi preview --json` digest, trimmed to what the guard reads: a cluster replaced, its
// user pool replaced with it, a route table updated.
const previewJSON = `{"steps": [
 {"op": "replace", "urn": "urn:pulumi:dev::hubspoke::hubspoke:spoke:Cluster$azure-native:containerservice/v20241001:ManagedCluster::cluster", "replaceReasons": ["dnsPrefix", "resourceName"]},
 {"op": "create-replacement", "urn": "urn:pulumi:dev::hubspoke::hubspoke:spoke:Cluster$azure-native:containerservice/v20241001:ManagedCluster::cluster", "replaceReasons": ["dnsPrefix", "resourceName"]},
 {"op": "replace", "urn": "urn:pulumi:dev::hubspoke::hubspoke:spoke:Cluster$azure-native:containerservice/v20241001:AgentPool::cluster-user-pool", "replaceReasons": ["resourceName"]},
 {"op": "update", "urn": "urn:pulumi:dev::hubspoke::hubspoke:hub:Hub$azure-native:network:RouteTable::hub-egress-rt", "diffReasons": ["tags"]}
], "changeSummary": {"replace": 2, "update": 1}}`

func TestGuardNamesEachGuardedReplacementAndWhatForcesIt(t *testing.T) {
	steps, err := FromPreviewJSON([]byte(previewJSON))
	require.NoError(t, err)
	err = Check(steps)
	require.Error(t, err)
	assert.Equal(t, "the preview replaces 1 guarded resource(s); set HUBSPOKE_ALLOW_REPLACE=true to allow it:\n"+
		"  cluster (azure-native:containerservice/v20241001:ManagedCluster) is replaced because of dnsPrefix, resourceName", err.Error())
	assert.NoError(t, Check(steps[2:]), "a node pool or a route table is not guarded")
}
