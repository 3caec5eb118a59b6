package tests

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
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

func TestPipelinesCheckTheKubernetesVersionAndEnforceThePolicyPack(t *testing.T) {
	for _, wf := range []struct{ file, job, check string }{
		{"pull-request.yml", "preview", "go run ./cmd/aksversions -stack ${{ matrix.stack }}"},
		{"pulumi-up.yml", "up", "go run ./cmd/aksversions -stack ${{ inputs.stack }}"},
	} {
		check, pulumi, login := -1, -1, -1
		for i, step := range workflowSteps(t, wf.file, wf.job) {
			switch {
			case step["run"] == wf.check:
				check = i
			case strings.HasPrefix(fmt.Sprint(step["uses"]), "pulumi/actions@"):
				pulumi = i
			case strings.HasPrefix(fmt.Sprint(step["uses"]), "azure/login@"):
				login = i
				assert.Nil(t, step["if"], "%s: the version check needs the Azure CLI logged in", wf.file)
			}
		}
		require.NotEqual(t, -1, check, "%s runs the version check", wf.file)
		require.NotEqual(t, -1, pulumi, "%s runs Pulumi", wf.file)
		require.NotEqual(t, -1, login, "%s logs in to Azure", wf.file)
		steps := workflowSteps(t, wf.file, wf.job)
		with, _ := steps[pulumi]["with"].(map[string]any)
		assert.Equal(t, "bin/policy/hubspoke-policy", with["policyPacks"], "%s enforces the policy pack", wf.file)
		assert.True(t, slices.ContainsFunc(steps[:pulumi], func(s map[string]any) bool { return s["run"] == "make policy-pack" }), "%s builds the pack first", wf.file)
		if wf.file == "pull-request.yml" {
			guard := slices.IndexFunc(steps, func(s map[string]any) bool {
				return strings.Contains(fmt.Sprint(s["run"]), "go run ./cmd/replaceguard preview.json")
			})
			assert.Greater(t, guard, pulumi, "the preview fails on a guarded replacement")
			assert.Contains(t, fmt.Sprint(steps[guard]["run"]), "--json")
		}
		assert.Less(t, login, check, "%s logs in first", wf.file)
		assert.Less(t, check, pulumi, "%s checks before Pulumi runs", wf.file)
	}

	var azdo struct {
		Jobs []struct {
			Job   string `yaml:"job"`
			Steps []struct {
				Inputs map[string]any `yaml:"inputs"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	mocktest.ReadYAML(t, "azure-pipelines.yml", &azdo)
	previews := 0
	for _, job := range azdo.Jobs {
		for _, step := range job.Steps {
			script := fmt.Sprint(step.Inputs["inlineScript"])
			if preview := strings.Index(script, "pulumi preview"); preview >= 0 {
				previews++
				check := strings.Index(script, `go run ./cmd/aksversions -stack "$(stack)"`)
				assert.True(t, check >= 0 && check < preview, "job %s checks the version before the preview", job.Job)
				assert.Contains(t, script, "make policy-pack")
				assert.Contains(t, script[preview:], "--policy-pack bin/policy/hubspoke-policy", "job %s enforces the policy pack", job.Job)
				assert.Contains(t, script[preview:], "go run ./cmd/replaceguard preview.json", "job %s fails on a guarded replacement", job.Job)
			}
		}
	}
	assert.Equal(t, 1, previews)
}
