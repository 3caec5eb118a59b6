package offline_test

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/bootstrap/program"
	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/mocktest"
	"github.com/hubspoke/private-aks/offline"
)

func TestTheBootstrapRunsThroughTheEngineUnderAzuresLocks(t *testing.T) {
	t.Parallel()
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

	// The deploy identity's condition, as the engine sent it, allows exactly the roles the main
	// program assigns in any of its configurations.
	var conditions []string
	subjects := map[string]string{}
	for _, r := range st.Resources {
		switch r.Type {
		case azuretype.RoleAssignment:
			if c, ok := r.Inputs["condition"].(string); ok {
				conditions = append(conditions, c)
			}
		case azuretype.FederatedCredential:
			subjects[r.Inputs["resourceName"].(string)+" "+r.Inputs["federatedIdentityCredentialResourceName"].(string)] = r.Inputs["subject"].(string)
		}
	}
	require.Len(t, conditions, 1)
	for _, allowed := range regexp.MustCompile(`GuidEquals \{([^}]*)\}`).FindAllStringSubmatch(conditions[0], -1) {
		assert.ElementsMatch(t, programRoles(t), strings.Split(allowed[1], ", "))
	}
	// GitHub's OIDC subjects (GitHub docs, "About security hardening with OpenID Connect").
	assert.Equal(t, map[string]string{
		"id-hubspoke-ci-preview github-pull-request": "repo:contoso/platform-aks:pull_request",
		"id-hubspoke-ci-deploy github-dev":           "repo:contoso/platform-aks:environment:dev",
		"id-hubspoke-ci-deploy github-prod":          "repo:contoso/platform-aks:environment:prod",
	}, subjects)

	changes, err := s.Preview(ctx)
	require.NoError(t, err)
	onlyOps(t, changes, apitype.OpSame)
}

// programRoles are the role definitions the main program assigns, over the configurations that
// add roles (prod's admin groups, a workload identity).
func programRoles(t *testing.T) []string {
	seen := map[string]bool{}
	for _, cfg := range []map[string]string{
		mocktest.StackConfig(t, "dev"), mocktest.StackConfig(t, "prod"),
		mocktest.WithConfig(t, mocktest.Set("keyVault", "workloadIdentity", map[string]any{"namespace": "payments", "serviceAccount": "api"})),
	} {
		res, err := mocktest.Run(t, "dev", cfg)
		require.NoError(t, err)
		for _, ra := range res.OfType(azuretype.RoleAssignment) {
			id := mocktest.Str(ra.Inputs, "roleDefinitionId")
			seen[id[strings.LastIndex(id, "/")+1:]] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}
