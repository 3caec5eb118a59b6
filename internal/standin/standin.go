// Package standin fills the placeholders of a shipped stack file (settings.Sentinel) with
// stand-in values, for the runs that never reach Azure: the unit tests and the offline engine run.
// The program's validation stays as strict as it ships; such a run gets what a user would have
// set, and says which values are stand-ins.
package standin

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hubspoke/private-aks/settings"
)

// Values are the stand-ins, by key path.
var Values = map[string]string{
	// A public key whose private half nobody keeps: nothing offline logs in.
	"jumpBox.sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKgjz0jwcz5Y7Tnee+4GCYEyqEKOlIDjdmLz95MMTKBu offline-stand-in",
	// A GUID that names no group in any directory.
	"aks.adminGroupObjectIds[0]": "5e3c0f0a-7b1d-4c2e-9f8a-1d2c3b4a5f60",
	// The bootstrap's: a repository and an operator's object ID.
	"github.repository": "contoso/platform-aks",
	"operators[0]":      "7a1b2c3d-4e5f-4a6b-9c8d-0e1f2a3b4c5d",
}

// Fill returns a stack file (Pulumi.<stack>.yaml) with every placeholder of project's keys
// replaced by its stand-in, and the key paths it filled. A placeholder without a stand-in is an
// error naming it.
func Fill(project string, stackFile []byte) ([]byte, []string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(stackFile, &doc); err != nil {
		return nil, nil, err
	}
	config := child(&doc, "config")
	if config == nil {
		return stackFile, nil, nil
	}
	var filled []string
	var missing []string
	var walk func(path string, n *yaml.Node)
	walk = func(path string, n *yaml.Node) {
		switch n.Kind {
		case yaml.ScalarNode:
			if !strings.HasPrefix(n.Value, settings.Sentinel) {
				return
			}
			v, ok := Values[path]
			if !ok {
				missing = append(missing, path)
				return
			}
			n.Value, n.Style, n.Tag = v, yaml.DoubleQuotedStyle, "!!str"
			filled = append(filled, path)
		case yaml.SequenceNode:
			for i, e := range n.Content {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(path+"."+n.Content[i].Value, n.Content[i+1])
			}
		}
	}
	for i := 0; i+1 < len(config.Content); i += 2 {
		if key, ok := strings.CutPrefix(config.Content[i].Value, project+":"); ok {
			walk(key, config.Content[i+1])
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("no stand-in for the placeholders %s: add them to internal/standin", strings.Join(missing, ", "))
	}
	out, err := yaml.Marshal(&doc)
	return out, filled, err
}

// child is the value of a top-level key of a YAML document.
func child(doc *yaml.Node, key string) *yaml.Node {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
