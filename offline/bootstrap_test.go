package offline_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/bootstrap/program"
	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/offline"
)

func TestTheBootstrapRunsThroughTheEngineUnderAzuresLocks(t *testing.T) {
	// The bootstrap's own project and stack file (placeholders filled with stand-ins), through the
	// real engine against the offline Azure: its parents first, one federated credential at a
	// time per identity, and a second preview that changes nothing.
	ctx, s := openEngineWith(t, offline.Options{RepoRoot: "../bootstrap", Stack: "platform", Project: program.Project, Program: program.Program})
	up, err := s.Up(ctx)
	require.NoError(t, err)
	assert.Contains(t, up.Outputs["pulumiLogin"].Value, "pulumi login azblob://state")
	assert.ElementsMatch(t, []string{"github.repository", "operators[0]"}, s.StandIns)

	deployment, err := s.Export(ctx)
	require.NoError(t, err)
	st, err := offline.ParseState(deployment)
	require.NoError(t, err)
	counts := map[string]int{}
	for _, r := range st.Resources {
		counts[r.Type]++
	}
	assert.Equal(t, 1, counts[azuretype.StorageAccount])
	assert.Equal(t, 1, counts[azuretype.Key])
	assert.Equal(t, 2, counts[azuretype.Identity])
	assert.Equal(t, 3, counts[azuretype.FederatedCredential], "GitHub's pull requests, dev and prod")
	assert.Equal(t, 9, counts[azuretype.RoleAssignment], "preview 3, deploy 4, the operator 2")

	changes, err := s.Preview(ctx)
	require.NoError(t, err)
	onlyOps(t, changes, apitype.OpSame)
}
