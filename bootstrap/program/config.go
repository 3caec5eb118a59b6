package program

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/settings"
)

// Project is the bootstrap's Pulumi project name, as in bootstrap/Pulumi.yaml.
const Project = "hubspoke-bootstrap"

// Config is the bootstrap's configuration: where the state lives, and who runs Pulumi.
type Config struct {
	Location   string            `json:"location"`
	NamePrefix string            `json:"namePrefix"`
	Tags       map[string]string `json:"tags"`
	// GitHub is optional: the repository whose workflows preview and deploy.
	GitHub *GitHub `json:"github"`
	// AzureDevOps is optional: the service connections' federation, as Azure DevOps shows it.
	AzureDevOps *AzureDevOps `json:"azureDevOps"`
	// Operators are optional: the Entra ID object IDs (users or groups) who run Pulumi from a
	// workstation; they get the state's data-plane roles.
	Operators []string `json:"operators"`
}

// GitHub is the repository and the environments its deployments run in.
type GitHub struct {
	Repository   string   `json:"repository"`   // owner/name
	Environments []string `json:"environments"` // default dev, prod: the stacks deploy.yml deploys
}

// AzureDevOps are the two workload identity federation service connections (manual): each shows
// the issuer and subject identifier to trust.
type AzureDevOps struct {
	Preview Federation `json:"preview"`
	Deploy  Federation `json:"deploy"`
}

// Federation is one federated identity credential's issuer and subject.
type Federation struct {
	Issuer  string `json:"issuer"`
	Subject string `json:"subject"`
}

// Limits and formats Azure and GitHub impose (each checked 2026-12-05).
const (
	// A user-assigned identity holds at most 20 federated identity credentials (Microsoft Learn,
	// "Workload identity federation considerations").
	maxFederatedCredentials = 20
	// The Azure DevOps issuer (https://vstoken.dev.azure.com/...) is retired on 2027-07-01; new
	// service connections use the Microsoft Entra issuer (Microsoft Learn, "Convert service
	// connections that use the Azure DevOps issuer").
	entraIssuerPrefix = "https://login.microsoftonline.com/"
)

var (
	repositoryPattern  = regexp.MustCompile(`^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$`)
	environmentPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,255}$`)
	prefixPattern      = regexp.MustCompile(`^[a-z][a-z0-9]{1,11}$`)
)

// Load reads and validates the configuration; every problem is reported at once, each naming its
// key, before any resource is registered.
func Load(ctx *pulumi.Context) (*Config, error) {
	c := Config{NamePrefix: "hubspoke"}
	found, errs := settings.Read(ctx, []settings.Key{
		{Name: "location", Required: true, Decode: settings.Text(&c.Location)},
		{Name: "namePrefix", Decode: settings.Text(&c.NamePrefix)},
		{Name: "tags", Decode: settings.Object(&c.Tags)},
		{Name: "github", Decode: section(&c.GitHub)},
		{Name: "azureDevOps", Decode: section(&c.AzureDevOps)},
		{Name: "operators", Decode: settings.Object(&c.Operators)},
	})
	if c.GitHub != nil && len(c.GitHub.Environments) == 0 {
		c.GitHub.Environments = []string{"dev", "prod"}
	}
	if len(errs) == 0 {
		errs = append(settings.PlaceholderErrors(ctx.Project(), ctx.Stack(), found), settings.WithoutPlaceholders(c.problems(), found)...)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("invalid configuration:\n%w", errors.Join(errs...))
	}
	return &c, nil
}

// section decodes an optional section, which the project's default leaves empty for none.
func section(dst any) func(string) error {
	return func(raw string) error {
		if raw == "{}" {
			return nil
		}
		return settings.Object(dst)(raw)
	}
}

// problems are the broken rules, each naming its key.
func (c *Config) problems() []error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if _, err := settings.CheckLocation(c.Location); err != nil {
		errs = append(errs, err)
	}
	// The bootstrap's strictest tagged type is the storage account (tag names of 128 characters).
	errs = append(errs, settings.CheckTags(c.Tags, slices.Sorted(maps.Keys(ownTags)), nil, settings.MaxTags, settings.StorageAccountTagNameMax)...)
	if !prefixPattern.MatchString(c.NamePrefix) {
		add("namePrefix", "%q must be 2-12 lowercase letters or digits, starting with a letter (it begins the storage account's name)", c.NamePrefix)
	}
	deployCredentials := 0
	if g := c.GitHub; g != nil {
		if !repositoryPattern.MatchString(g.Repository) {
			add("github.repository", "%q must be owner/name", g.Repository)
		}
		for i, env := range g.Environments {
			if !environmentPattern.MatchString(env) || slices.Index(g.Environments, env) != i {
				add(fmt.Sprintf("github.environments[%d]", i), "%q must be a GitHub environment name, given once", env)
			}
		}
		deployCredentials += len(g.Environments)
	}
	if d := c.AzureDevOps; d != nil {
		federations := map[string]Federation{"azureDevOps.deploy": d.Deploy, "azureDevOps.preview": d.Preview}
		for _, key := range slices.Sorted(maps.Keys(federations)) {
			f := federations[key]
			switch {
			case strings.HasPrefix(f.Issuer, "https://vstoken.dev.azure.com/"):
				add(key+".issuer", "%q is the Azure DevOps issuer, retired on 2027-07-01: convert the service connection to the Microsoft Entra issuer and copy its issuer and subject", f.Issuer)
			case !strings.HasPrefix(f.Issuer, entraIssuerPrefix) || !strings.HasSuffix(f.Issuer, "/v2.0"):
				add(key+".issuer", "%q must be the service connection's issuer, %s<tenant>/v2.0", f.Issuer, entraIssuerPrefix)
			}
			if f.Subject == "" || strings.ContainsAny(f.Subject, " \t") {
				add(key+".subject", "%q must be the service connection's subject identifier, as Azure DevOps shows it", f.Subject)
			}
		}
		deployCredentials++
	}
	if deployCredentials > maxFederatedCredentials {
		add("github.environments", "%d deployment credentials exceed the %d federated credentials an identity holds", deployCredentials, maxFederatedCredentials)
	}
	for i, id := range c.Operators {
		if _, err := uuid.Parse(id); err != nil {
			add(fmt.Sprintf("operators[%d]", i), "%q is not an Entra ID object ID (a GUID)", id)
		}
	}
	return errs
}
