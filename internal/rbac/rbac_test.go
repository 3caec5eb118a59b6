package rbac_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hubspoke/private-aks/internal/rbac"
)

func TestTheDelegationConditionIsMicrosoftsConstrainRolesExample(t *testing.T) {
	// Microsoft Learn, "Examples to delegate Azure role assignment management with conditions",
	// Example: Constrain roles (Backup Contributor, Backup Reader), its Azure PowerShell form.
	const backupContributor, backupReader = "5e467623-bb1f-42f4-a55d-6e525e11384b", "a795c7a0-d4a2-40c1-ae25-d81f01202912"
	assert.Equal(t, "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "+
		"(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {5e467623-bb1f-42f4-a55d-6e525e11384b, a795c7a0-d4a2-40c1-ae25-d81f01202912})) AND "+
		"((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR "+
		"(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {5e467623-bb1f-42f4-a55d-6e525e11384b, a795c7a0-d4a2-40c1-ae25-d81f01202912}))",
		rbac.DelegationCondition([]string{backupContributor, backupReader}))
}
