// Package audit runs a scheduled audit: it loads the audit section of a site
// configuration, checks it and plans the work before anything is read or
// sent (Load, NewPlan), reads every input into one result judged by this
// installation's signatures, catalogue and policy (Plan.Run), and stores the
// run and compares it with the site's previous run (SaveAndCompare). The
// command only wires flags and output to it.
package audit
