package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/mocktest"
)

func TestGitHubWorkflowsPassActionlint(t *testing.T) {
	actionlint, err := filepath.Abs(filepath.Join("..", "bin", "actionlint"))
	require.NoError(t, err)
	if _, err = exec.LookPath(actionlint); err != nil {
		actionlint, err = exec.LookPath("actionlint")
	}
	require.NoError(t, err, "actionlint is missing: `make test-deps` builds it into bin/")
	cmd := exec.Command(actionlint, "-color=false")
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, "actionlint:\n%s", out)
}

// requiredInputs are the inputs each Azure DevOps task refuses to run without (from the tasks'
// task.json); a task not listed here fails the test until it is added.
var requiredInputs = map[string][]string{
	"GoTool@0":   {"version"},
	"AzureCLI@2": {"azureSubscription", "scriptType", "scriptLocation"},
}

func TestAzurePipelineParsesAndEveryTaskHasItsRequiredInputs(t *testing.T) {
	var doc struct {
		Pr struct {
			Branches struct {
				Include []string `yaml:"include"`
			} `yaml:"branches"`
		} `yaml:"pr"`
		Jobs []struct {
			Job   string `yaml:"job"`
			Steps []struct {
				Task   string            `yaml:"task"`
				Script string            `yaml:"script"`
				Inputs map[string]any    `yaml:"inputs"`
				Env    map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	mocktest.ReadYAML(t, "azure-pipelines.yml", &doc)
	assert.Equal(t, []string{"main"}, doc.Pr.Branches.Include, "runs on pull requests to main")
	require.NotEmpty(t, doc.Jobs)
	tasks := 0
	for _, job := range doc.Jobs {
		for i, step := range job.Steps {
			if step.Task == "" {
				assert.NotEmpty(t, strings.TrimSpace(step.Script), "job %s step %d is a task or a script", job.Job, i)
				continue
			}
			tasks++
			required, known := requiredInputs[step.Task]
			require.True(t, known, "job %s uses %s: add its required inputs to the table", job.Job, step.Task)
			for _, input := range required {
				assert.NotEmpty(t, step.Inputs[input], "job %s: %s needs input %s", job.Job, step.Task, input)
			}
			if step.Task == "AzureCLI@2" {
				assert.Equal(t, "inlineScript", step.Inputs["scriptLocation"])
				assert.NotEmpty(t, step.Inputs["inlineScript"], "an inline script needs inlineScript")
				assert.Equal(t, true, step.Inputs["addSpnToEnvironment"], "the federated token reaches the script")
				assert.Contains(t, step.Inputs["inlineScript"], `ARM_OIDC_TOKEN="$idToken"`, "OIDC, no client secret")
				assert.NotContains(t, step.Inputs["inlineScript"], "ARM_CLIENT_SECRET")
			}
		}
	}
	assert.GreaterOrEqual(t, tasks, 3)
}

// workflowSteps reads the steps of one job of a GitHub workflow.
func workflowSteps(t *testing.T, file, job string) []map[string]any {
	t.Helper()
	var doc struct {
		Jobs map[string]struct {
			Steps []map[string]any `yaml:"steps"`
		} `yaml:"jobs"`
	}
	mocktest.ReadYAML(t, filepath.Join(".github", "workflows", file), &doc)
	require.Contains(t, doc.Jobs, job)
	return doc.Jobs[job].Steps
}

// pinnedCLI is the Pulumi CLI version the project pins: the one tools/pulumi builds.
func pinnedCLI(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "tools", "pulumi", "go.mod"))
	require.NoError(t, err)
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(strings.TrimPrefix(line, "require "))
		if len(fields) == 2 && fields[0] == "github.com/pulumi/pulumi/pkg/v3" {
			return strings.TrimPrefix(fields[1], "v")
		}
	}
	require.Fail(t, "tools/pulumi/go.mod requires no github.com/pulumi/pulumi/pkg/v3")
	return ""
}

func TestEveryDeployPathRunsTheOneDeployCommand(t *testing.T) {
	version := pinnedCLI(t)
	for _, wf := range []struct{ file, job, deploy, verify string }{
		{"pull-request.yml", "preview", `make deploy-preview STACK="${{ vars.PULUMI_STACK_PREFIX }}${{ matrix.stack }}"`, ""},
		{"pulumi-up.yml", "up", `make deploy STACK="${{ vars.PULUMI_STACK_PREFIX }}${{ inputs.stack }}"`,
			`make verify STACK="${{ vars.PULUMI_STACK_PREFIX }}${{ inputs.stack }}"`},
	} {
		login, install, deploy, verify := -1, -1, -1, -1
		for i, step := range workflowSteps(t, wf.file, wf.job) {
			switch {
			case step["run"] == wf.deploy:
				deploy = i
			case wf.verify != "" && step["run"] == wf.verify:
				verify = i
			case strings.HasPrefix(fmt.Sprint(step["uses"]), "pulumi/actions@"):
				install = i
				with, _ := step["with"].(map[string]any)
				assert.Equal(t, version, with["pulumi-version"], "%s installs the pinned CLI", wf.file)
				assert.Nil(t, with["command"], "%s runs Pulumi only through the deploy command", wf.file)
			case strings.HasPrefix(fmt.Sprint(step["uses"]), "azure/login@"):
				login = i
				assert.Nil(t, step["if"], "%s: the version check needs the Azure CLI logged in", wf.file)
			}
			assert.NotRegexp(t, `pulumi (preview|up)`, fmt.Sprint(step["run"]), "%s runs Pulumi only through the deploy command", wf.file)
		}
		require.NotEqual(t, -1, deploy, "%s runs the deploy command", wf.file)
		require.NotEqual(t, -1, install, "%s installs the CLI", wf.file)
		require.NotEqual(t, -1, login, "%s logs in to Azure", wf.file)
		assert.Less(t, login, deploy, "%s logs in first", wf.file)
		assert.Less(t, install, deploy, "%s installs the CLI first", wf.file)
		if wf.verify != "" {
			assert.Less(t, deploy, verify, "%s verifies the deployment after it", wf.file)
		}
	}

	var azdo struct {
		Variables []map[string]any `yaml:"variables"`
		Jobs      []struct {
			Job   string `yaml:"job"`
			Steps []struct {
				Task   string            `yaml:"task"`
				Script string            `yaml:"script"`
				Inputs map[string]any    `yaml:"inputs"`
				Env    map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	mocktest.ReadYAML(t, "azure-pipelines.yml", &azdo)
	defaults := map[string]bool{}
	for _, v := range azdo.Variables {
		if name, ok := v["name"].(string); ok {
			defaults[name] = true
		}
		if v["name"] == "pulumiVersion" {
			assert.Equal(t, version, v["value"], "Azure DevOps installs the pinned CLI")
		}
	}
	previews := 0
	for _, job := range azdo.Jobs {
		compiled := false
		for _, step := range job.Steps {
			if strings.Contains(step.Script, "go build ./...") {
				compiled = true
			}
			script := fmt.Sprint(step.Inputs["inlineScript"])
			if !strings.Contains(script, "make deploy-preview") {
				continue
			}
			previews++
			assert.Contains(t, script, `make deploy-preview STACK="$(stack)"`)
			assert.NotRegexp(t, `pulumi (preview|up)`, script, "job %s runs Pulumi only through the deploy command", job.Job)
			assert.True(t, compiled, "job %s compiles before the Azure task: its federated token lives about ten minutes", job.Job)
			for name, value := range step.Env {
				if macro, ok := strings.CutPrefix(value, "$("); ok {
					assert.True(t, defaults[strings.TrimSuffix(macro, ")")], "job %s: %s has a default, or an undefined macro stays the literal %s", job.Job, name, value)
				}
			}
		}
	}
	assert.Equal(t, 1, previews)

	// The make targets run the deploy command, as a dry run of make shows.
	out, err := exec.Command("make", "-C", "..", "-n", "deploy", "deploy-preview", "STACK=my-org/dev").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "go run ./cmd/deploy -stack my-org/dev\n")
	assert.Contains(t, string(out), "go run ./cmd/deploy -stack my-org/dev -preview -summary out/preview.txt\n")
}
