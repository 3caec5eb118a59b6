package command_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/command"
)

func TestAFailureCarriesTheToolsOwnWords(t *testing.T) {
	// What az prints when nobody is logged in (azure-cli, "az login" hint), on standard error;
	// through the environment, so that the command line itself does not hold the words.
	t.Setenv("TOOL_SAYS", "ERROR: Please run 'az login' to setup account.")
	_, err := command.Output(context.Background(), "sh", "-c", `echo "$TOOL_SAYS" >&2; exit 1`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exit status 1")
	assert.Contains(t, err.Error(), "ERROR: Please run 'az login' to setup account.")
	assert.Contains(t, err.Error(), "sh -c")

	out, err := command.Output(context.Background(), "sh", "-c", "echo listing; echo progress >&2")
	require.NoError(t, err)
	assert.Equal(t, "listing\n", string(out), "standard output only")

	_, err = command.Output(context.Background(), "no-such-tool-here")
	assert.ErrorContains(t, err, "no-such-tool-here: exec:")
}
