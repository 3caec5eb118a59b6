// Package rbac assigns Azure's built-in roles the one way this program does: named from what they
// grant, so every run asks for the same assignment and a re-run never duplicates one.
package rbac

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	authorization "github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/azureid"
)

// DeployerKey names the deploying identity in its assignments' names: whichever identity runs a
// preview or an `up`, the names stay the same.
const DeployerKey = "the deploying identity"

// Args is one grant. Every field is required unless its comment says otherwise.
type Args struct {
	Role      string // a built-in role's GUID (azureid)
	Scope     pulumi.StringInput
	Principal pulumi.StringInput
	// Key names the principal in the assignment's name: a name known before the principal
	// exists keeps the name stable (the cluster identity's); empty uses the principal's ID.
	Key pulumi.StringInput
	// PrincipalType is optional: ServicePrincipal skips the directory lookup that fails while a
	// new identity replicates. Empty leaves it for Azure to look up: the SDK would otherwise send
	// "User", which Azure refuses for a service principal (UnmatchedPrincipalType).
	PrincipalType string
	// Condition is optional: an ABAC condition (version 2.0) on the assignment.
	Condition string
}

// ProgramRoles are every built-in role the program assigns, and the only ones it may: the deploy
// identity's delegation condition (DelegationCondition, in the bootstrap) is built from this list,
// so a role assigned outside it would fail with AuthorizationFailed in Azure.
var ProgramRoles = []string{
	azureid.NetworkContributorRole, azureid.PrivateDNSZoneContributorRole, azureid.AKSRBACClusterAdminRole,
	azureid.AcrPullRole, azureid.KeyVaultSecretsUserRole, azureid.KeyVaultSecretsOfficerRole,
}

// DelegationCondition is the ABAC condition (version 2.0) that lets a "Role Based Access Control
// Administrator" add and remove assignments of these roles only (Microsoft Learn, "Examples to
// delegate Azure role assignment management with conditions", Constrain roles; checked 2026-12-05).
func DelegationCondition(roles []string) string {
	list := strings.Join(roles, ", ")
	return "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR " +
		"(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {" + list + "})) AND " +
		"((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR " +
		"(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {" + list + "}))"
}

// Assign registers the role assignment as name, with opts (a parent's option also serves the
// subscription lookup). A role outside ProgramRoles is an error.
func Assign(ctx *pulumi.Context, name string, args Args, parent pulumi.ResourceOrInvokeOption) (*authorization.RoleAssignment, error) {
	if !slices.Contains(ProgramRoles, args.Role) {
		return nil, fmt.Errorf("%s: role %s is not in rbac.ProgramRoles, which the deploy identity may assign", name, args.Role)
	}
	return Grant(ctx, name, args, parent)
}

// Grant registers any role assignment: the bootstrap's, made by whoever prepares the
// subscription.
func Grant(ctx *pulumi.Context, name string, args Args, parent pulumi.ResourceOrInvokeOption) (*authorization.RoleAssignment, error) {
	key := args.Key
	if key == nil {
		key = args.Principal
	}
	var kind pulumi.StringPtrInput = pulumi.String(args.PrincipalType)
	if args.PrincipalType == "" {
		kind = args.Principal.ToStringOutput().ApplyT(func(string) *string { return nil }).(pulumi.StringPtrOutput)
	}
	subscriptionID := authorization.GetClientConfigOutput(ctx, parent).SubscriptionId()
	var condition, conditionVersion pulumi.StringPtrInput
	if args.Condition != "" {
		condition, conditionVersion = pulumi.String(args.Condition), pulumi.String("2.0")
	}
	return authorization.NewRoleAssignment(ctx, name, &authorization.RoleAssignmentArgs{
		Scope:            args.Scope,
		Condition:        condition,
		ConditionVersion: conditionVersion,
		RoleDefinitionId: azureid.RoleDefinition(subscriptionID, args.Role),
		PrincipalId:      args.Principal,
		PrincipalType:    kind,
		RoleAssignmentName: pulumi.All(args.Scope, key).ApplyT(func(v []any) string {
			return uuid.NewSHA1(uuid.NameSpaceURL, []byte(v[0].(string)+"|"+args.Role+"|"+v[1].(string))).String()
		}).(pulumi.StringOutput),
	}, parent)
}
