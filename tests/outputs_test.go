package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/syntax"

	"github.com/hubspoke/private-aks/bootstrap/program"
	"github.com/hubspoke/private-aks/internal/azuremock"
	"github.com/hubspoke/private-aks/internal/mocktest"
)

// TestEveryCommandTheStacksPrintIsOneCommandLine catches a printed command that a shell would run
// otherwise than meant: a placeholder in angle brackets (a redirection), a `$(...)` of a tool the
// place it runs lacks, an unbalanced quote, two commands glued on one line. Each line of each
// command output parses as one command whose words are all literal, starting with the tool named.
func TestEveryCommandTheStacksPrintIsOneCommandLine(t *testing.T) {
	main := mocktest.RunStack(t, "dev").Outputs
	_, bootstrap, err := azuremock.Run(program.Program, azuremock.New(), program.Project, "platform",
		mocktest.ProjectConfig(t, "bootstrap", program.Project, "platform", true))
	require.NoError(t, err)
	// The outputs that are commands, and the tool each line runs.
	commands := []struct{ value, tool string }{
		{main["clusterAccessFromJumpBox"], "az"}, // on the jump box
		{main["clusterCommandInvoke"], "az"},     // from anywhere, through the AKS run command
		{main["jumpBoxSsh"], "az"},
		{main["jumpBoxTunnel"], "az"},
		{main["verifyDnsFromJumpBox"], "az"},
		{bootstrap["githubCommands"], "gh"},
		{bootstrap["pulumiLogin"], "pulumi"},
		{bootstrap["stackInit"], "pulumi"},
	}
	for _, c := range commands {
		require.NotEmpty(t, c.value)
		for _, line := range strings.Split(c.value, "\n") {
			f, err := syntax.NewParser().Parse(strings.NewReader(line), "")
			if !assert.NoError(t, err, line) {
				continue
			}
			require.Len(t, f.Stmts, 1, line)
			syntax.Walk(f, func(n syntax.Node) bool {
				switch n := n.(type) {
				case *syntax.Redirect:
					t.Errorf("%s: redirects %s", line, n.Op)
				case *syntax.CmdSubst, *syntax.ParamExp, *syntax.ArithmExp, *syntax.ProcSubst:
					t.Errorf("%s: not literal", line)
				case *syntax.CallExpr:
					if len(n.Args) > 0 && n.Args[0].Lit() != c.tool && len(n.Assigns) == 0 {
						assert.Contains(t, []string{"kubelogin", "kubectl"}, n.Args[0].Lit(), "%s: runs %s", line, n.Args[0].Lit())
					}
				}
				return true
			})
		}
	}
	assert.Equal(t, "az aks command invoke --resource-group rg-hubspoke-dev-spoke --name aks-hubspoke-dev --command 'kubectl get nodes'",
		main["clusterCommandInvoke"], "the cluster's resource group and name (Microsoft Learn, \"Access a private AKS cluster using command invoke\")")
}
