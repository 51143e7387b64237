// Package policy knows the operator's networks (sites and zones), which
// restricted-vendor profiles apply and which exceptions were granted, and turns
// fingerprinted devices into findings with a severity and a plain reason.
//
// The policy file format is described in docs/policy.md; examples/site.yaml
// is an annotated example.
package policy
