package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/syntax"

	"github.com/hubspoke/private-aks/bootstrap/program"
	"github.com/hubspoke/private-aks/internal/aksversions"
	"github.com/hubspoke/private-aks/internal/azuremock"
	"github.com/hubspoke/private-aks/internal/mocktest"
	"github.com/hubspoke/private-aks/offline"
)

// A command README.md tells a user to run, with the folder it runs in (a `cd` earlier in its
// block) and where it is written.
type readmeCommand struct {
	text, dir, where string
	section          string
}

// readmeCommands are the shell commands of README.md and docs/*.md: the bash blocks, line by
// line (a `cd` moves the lines after it; commented `pulumi` lines are alternatives for another
// stack), and the inline spans that start with a command the repository provides.
func readmeCommands(t *testing.T) (blocks []readmeCommand, commands []readmeCommand) {
	docs, err := filepath.Glob(filepath.Join(mocktest.RepoRoot(t), "docs", "*.md"))
	require.NoError(t, err)
	for _, file := range append([]string{filepath.Join(mocktest.RepoRoot(t), "README.md")}, docs...) {
		b, c := fileCommands(t, file)
		blocks, commands = append(blocks, b...), append(commands, c...)
	}
	return blocks, commands
}

// fileCommands are one Markdown file's commands.
func fileCommands(t *testing.T, file string) (blocks []readmeCommand, commands []readmeCommand) {
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	name := strings.TrimPrefix(file, mocktest.RepoRoot(t)+string(filepath.Separator))
	lines := strings.Split(string(data), "\n")
	section, dir, inBlock := "", ".", false
	var block []string
	var prose strings.Builder
	inline := regexp.MustCompile("`((?:make|go run|pulumi|eval) [^`]+)`")
	flushProse := func(line int) {
		for _, m := range inline.FindAllStringSubmatch(prose.String(), -1) {
			commands = append(commands, readmeCommand{text: m[1], dir: dir, where: fmt.Sprintf("%s before line %d", name, line), section: section})
		}
		prose.Reset()
	}
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "```bash"):
			flushProse(i + 1)
			inBlock, dir, block = true, ".", nil
		case inBlock && strings.HasPrefix(line, "```"):
			inBlock = false
			blocks = append(blocks, readmeCommand{text: strings.Join(block, "\n"), where: fmt.Sprintf("%s block ending line %d", name, i+1), section: section})
		case inBlock:
			block = append(block, line)
			code := strings.TrimSpace(line)
			if rest, ok := strings.CutPrefix(code, "# pulumi "); ok {
				code = "pulumi " + rest
			}
			if code == "" || strings.HasPrefix(code, "#") {
				continue
			}
			commands = append(commands, readmeCommand{text: code, dir: dir, where: fmt.Sprintf("%s line %d", name, i+1), section: section})
			if rest, ok := strings.CutPrefix(code, "cd "); ok {
				dir = filepath.Join(dir, strings.Fields(rest)[0])
			}
		case strings.HasPrefix(line, "#"):
			flushProse(i + 1)
			section, dir = strings.TrimLeft(line, "# "), "."
		case strings.HasPrefix(line, "```"):
			flushProse(i + 1) // another language's block: not commands
		default:
			prose.WriteString(line + " ")
		}
	}
	flushProse(len(lines))
	return blocks, commands
}

// placeholders are the <...> a reader replaces; for parsing, each becomes an example value.
var placeholders = regexp.MustCompile(`<([A-Za-z][A-Za-z -]*)>`)

func withExamples(s string) string {
	examples := map[string]string{"env": "dev", "stack": "dev", "subscription-id": azuremock.SubscriptionID}
	return placeholders.ReplaceAllStringFunc(s, func(p string) string {
		if v, ok := examples[p[1:len(p)-1]]; ok {
			return v
		}
		return "example-" + p[1:len(p)-1]
	})
}

// printedCommands are the `pulumi config set` lines the programs print for what a user must set:
// every placeholder of the shipped stack files, and a Kubernetes version AKS no longer offers.
func printedCommands(t *testing.T) []string {
	var errs []error
	for _, stack := range []string{"dev", "prod"} {
		_, err := mocktest.Run(t, stack, mocktest.ShippedStackConfig(t, stack))
		errs = append(errs, err)
	}
	_, _, err := azuremock.Run(program.Program, azuremock.New(), program.Project, "platform",
		mocktest.ProjectConfig(t, "bootstrap", program.Project, "platform", false))
	errs = append(errs, err)
	st, err := aksversions.ReadStack(filepath.Join(mocktest.RepoRoot(t), "Pulumi.dev.yaml"))
	require.NoError(t, err)
	st.KubernetesVersion = "1.0"
	errs = append(errs, aksversions.Check(st, []byte(`{"values":[]}`)))

	var out []string
	set := regexp.MustCompile(`: (pulumi config set .*)$`)
	for _, err := range errs {
		require.Error(t, err)
		for _, line := range strings.Split(err.Error(), "\n") {
			if m := set.FindStringSubmatch(line); m != nil {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// outputs are the stack outputs of each project, over the variants that add outputs (resolver
// modes, a workload identity).
func outputs(t *testing.T) map[string][]string {
	out := map[string][]string{}
	configs := []map[string]string{
		mocktest.StackConfig(t, "dev"), mocktest.StackConfig(t, "prod"),
		mocktest.WithConfig(t, mocktest.DNSMode("forwarder")), mocktest.WithConfig(t, mocktest.DNSMode("privateResolver")),
		mocktest.WithConfig(t, mocktest.Set("keyVault", "workloadIdentity", map[string]any{"namespace": "payments", "serviceAccount": "api"})),
	}
	for _, cfg := range configs {
		res, err := mocktest.Run(t, "dev", cfg)
		require.NoError(t, err)
		for k := range res.Outputs {
			out["."] = append(out["."], k)
		}
	}
	_, bootstrapOutputs, err := azuremock.Run(program.Program, azuremock.New(), program.Project, "platform",
		mocktest.ProjectConfig(t, "bootstrap", program.Project, "platform", true))
	require.NoError(t, err)
	for k := range bootstrapOutputs {
		out["bootstrap"] = append(out["bootstrap"], k)
	}
	return out
}

// words are a command's arguments as the shell hands them over; a word that is not literal
// (a command substitution, a variable) reads as "?".
func words(call *syntax.CallExpr) []string {
	var out []string
	for _, w := range call.Args {
		var b strings.Builder
		for _, part := range w.Parts {
			switch p := part.(type) {
			case *syntax.Lit:
				b.WriteString(p.Value)
			case *syntax.SglQuoted:
				b.WriteString(p.Value)
			case *syntax.DblQuoted:
				if len(p.Parts) == 1 {
					if lit, ok := p.Parts[0].(*syntax.Lit); ok {
						b.WriteString(lit.Value)
						continue
					}
				}
				b.WriteString("?")
			default:
				b.WriteString("?")
			}
		}
		out = append(out, b.String())
	}
	return out
}

// flagValue is the value of --name or -name in args, "" when absent.
func flagValue(args []string, name string) string {
	for i, a := range args {
		if (a == "--"+name || a == "-"+name) && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// parsedOnly are the tools README hands commands to that this machine does not run (no Azure
// here): their lines are parsed as shell, and their pulumi parts checked.
var parsedOnly = []string{"az", "kubectl", "kubelogin", "nslookup", "eval", "cut", "echo", "gh"}

// TestEveryCommandInTheREADMERunsAsWritten catches a README that drifts from the code: a command,
// make target, flag, stack file, config key or stack output that does not exist, a `pulumi config
// set` for a placeholder that is not the one the program prints, and a deploy step that bypasses
// the one deploy command. Each bash block must parse as shell (placeholders replaced by examples).
func TestEveryCommandInTheREADMERunsAsWritten(t *testing.T) {
	root := mocktest.RepoRoot(t)
	blocks, commands := readmeCommands(t)
	require.NotEmpty(t, blocks)
	for _, b := range blocks {
		_, err := syntax.NewParser().Parse(strings.NewReader(withExamples(b.text)), b.where)
		assert.NoError(t, err, "%s is not valid shell", b.where)
	}
	printed := printedCommands(t)
	outs := outputs(t)
	projects := map[string]string{".": mocktest.Project, "bootstrap": program.Project}
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	require.NoError(t, err)

	deploys := 0
	for _, c := range commands {
		if strings.HasPrefix(c.text, "pulumi config set ") {
			checkConfigSet(t, c, printed, projects[c.dir])
			continue
		}
		f, err := syntax.NewParser().Parse(strings.NewReader(withExamples(c.text)), c.where)
		if !assert.NoError(t, err, "%s: %s", c.where, c.text) {
			continue
		}
		dir := filepath.Join(root, c.dir)
		syntax.Walk(f, func(n syntax.Node) bool {
			call, ok := n.(*syntax.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			args := words(call)
			where := c.where + ": " + c.text
			switch args[0] {
			case "cd":
				assert.DirExists(t, filepath.Join(dir, args[1]), where)
			case "go":
				require.GreaterOrEqual(t, len(args), 3, where)
				assert.Equal(t, "run", args[1], where)
				src, err := os.ReadFile(filepath.Join(dir, args[2], "main.go"))
				if !assert.NoError(t, err, "%s: no command %s", where, args[2]) {
					return true
				}
				for _, a := range args[3:] {
					if name, ok := strings.CutPrefix(a, "-"); ok {
						assert.Regexp(t, `flags?\.[A-Za-z]+\("`+regexp.QuoteMeta(strings.TrimPrefix(name, "-"))+`"`, string(src), "%s: %s has no flag %s", where, args[2], a)
					}
				}
			case "make":
				// A dry run: make knows the target and the variables parse.
				out, err := exec.Command("make", append([]string{"-n", "-C", dir}, args[1:]...)...).CombinedOutput()
				assert.NoError(t, err, "%s: %s", where, out)
				if slices.Contains(args, "deploy") && c.section == "Deploying to a real subscription" {
					deploys++
				}
			case "pulumi":
				checkPulumi(t, where, c, args, dir, outs[c.dir], string(makefile))
			default:
				assert.Contains(t, parsedOnly, args[0], "%s: a command README tells users to run; check it here", where)
			}
			return true
		})
	}
	assert.Positive(t, deploys, "the deployment steps run `make deploy`, the command the pipelines run")

	// The line README shows for the jump box is what the dev stack prints.
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	// README is the user's path; internals live in docs/.
	assert.Less(t, strings.Count(string(readme), "\n"), 350, "README.md stays under 350 lines")
	assert.Contains(t, string(readme), "\n"+mocktest.RunStack(t, "dev").Outputs["clusterAccessFromJumpBox"]+"\n")
}

// checkPulumi checks a pulumi command against the pinned CLI (its subcommand and flags exist) and
// against the project in its folder.
func checkPulumi(t *testing.T, where string, c readmeCommand, args []string, dir string, outputs []string, makefile string) {
	checkCLI(t, where, args)
	stackFile := func(stack string) {
		if stack != "" && stack != "?" {
			assert.FileExists(t, filepath.Join(dir, "Pulumi."+stack+".yaml"), where)
		}
	}
	switch sub := strings.Join(args[1:min(3, len(args))], " "); {
	case sub == "stack init":
		stackFile(args[3])
	case sub == "stack output" && len(args) > 3:
		assert.Contains(t, outputs, args[3], "%s: the project in %s exports no such output", where, c.dir)
	case sub == "preview" || sub == "up" || strings.HasPrefix(sub, "preview ") || strings.HasPrefix(sub, "up "):
		stackFile(flagValue(args, "stack"))
		if pack := flagValue(args, "policy-pack"); pack != "" {
			assert.Contains(t, makefile, "-o "+pack+" ", "%s: make policy-pack builds no %s", where, pack)
		}
		if c.section == "Deploying to a real subscription" && strings.HasPrefix(c.where, "README.md line") { // its steps
			assert.Equal(t, "bootstrap", c.dir, "%s: the stacks deploy through make deploy only", where)
		}
	}
}

// checkCLI runs the command with --help on the pinned Pulumi CLI: it refuses an unknown flag, and
// its usage line shows which words are the subcommand; a word past it is refused unless the
// subcommand takes arguments.
func checkCLI(t *testing.T, where string, args []string) {
	cli, err := offline.FindCLI(mocktest.RepoRoot(t))
	require.NoError(t, err)
	out, err := exec.Command(cli, append(slices.Clone(args[1:]), "--help")...).CombinedOutput()
	if !assert.NoError(t, err, "%s: %s", where, out) {
		return
	}
	m := regexp.MustCompile(`(?m)^Usage:\n\s+(.*)$`).FindStringSubmatch(string(out))
	require.NotNil(t, m, "%s: no usage in %s", where, out)
	usage := strings.Fields(m[1])
	path := slices.IndexFunc(usage, func(w string) bool { return strings.ContainsAny(w[:1], "[<-") })
	if path < 0 {
		path = len(usage)
	}
	lead := slices.IndexFunc(args, func(a string) bool { return strings.HasPrefix(a, "-") })
	if lead < 0 {
		lead = len(args)
	}
	takesArguments := slices.ContainsFunc(usage[path:], func(w string) bool { return w != "[flags]" && w != "[--]" })
	assert.True(t, lead <= path || takesArguments, "%s: pulumi has no command %q (%s)", where, strings.Join(args[:lead], " "), m[1])
}

// checkConfigSet checks a `pulumi config set`: a value a user must fill in (a placeholder or a
// command substitution) is exactly a command a program prints; a literal value is applied to the
// dev stack and accepted.
func checkConfigSet(t *testing.T, c readmeCommand, printed []string, project string) {
	where := c.where + ": " + c.text
	f, err := syntax.NewParser().Parse(strings.NewReader(withExamples(c.text)), c.where)
	require.NoError(t, err, where)
	args := words(f.Stmts[0].Cmd.(*syntax.CallExpr))
	checkCLI(t, where, args)
	if strings.Contains(c.text, "$(") || placeholders.MatchString(c.text) {
		assert.Contains(t, printed, c.text, "%s is not a command the program prints", where)
		return
	}
	path, value := flagValue(args, "path"), args[len(args)-1]
	key, ok := strings.CutPrefix(path, project+":")
	require.True(t, ok, "%s: not the %s namespace", where, project)
	var v any = value
	if json.Valid([]byte(value)) {
		require.NoError(t, json.Unmarshal([]byte(value), &v))
	}
	set := func(cfg map[string]any) { cfg[key] = v }
	if top, field, ok := strings.Cut(key, "."); ok {
		set = mocktest.Set(top, field, v)
	}
	_, err = mocktest.Run(t, "dev", mocktest.WithConfig(t, set))
	assert.NoError(t, err, "%s is refused by the program", where)
}
