package main

import (
	"strings"
	"testing"
)

// TestPluginEntries reads match hashes of real WhatWeb plugins (@ 660f0f4):
// a header search, literal text, a regexp (sampled), a version expression
// standing for the match, a favicon MD5, and the hashes no observation
// carries (a Google dork, the MD5 of a whole page), which are skipped.
func TestPluginEntries(t *testing.T) {
	src := `Plugin.define do
name "Vivotek-Network-Camera"
description "Vivotek Network Camera web interface"

# Matches #
matches [

# /main.html
{ :url=>"/main.html", :text=>'<div id="logo_icon"><a href="http://www.vivotek.com/" target="_blank"><img alt="logo" src="pic/logo.gif"></a></div>' },

# HTTP Server Header { not a hash }
{ :certainty=>25, :search=>"headers[server]", :regexp=>/^(Network Camera|Network Dome Camera)$/ },

{ :url=>"/cgi-bin/admin/getparamjs.cgi", :model   =>/system_modelname="([^"]+)"/ },
{ :ghdb=>'"powered by Vivotek"', :certainty=>75 },
{:md5=>'8cf9f140f2ec4f5d3e533b5bc2b221ea'},
{ :url=>"/favicon.ico", :md5=>"A1B2C3D4E5F60718293A4B5C6D7E8F90" },
{ :text=>'it\'s a "camera" {really}' },

]
end
`
	entries, skipped := pluginEntries(src, "WhatWeb:plugins/vivotek-network-camera.rb")
	if len(entries) != 5 || len(skipped) != 2 {
		t.Fatalf("%d entries, %d skipped (%v); want 5 and 2", len(entries), len(skipped), skipped)
	}
	want := []struct{ key, holds string }{
		{"http.headers", "\r\n\r\n<div id=\"logo_icon\"><a href=\"http://www.vivotek.com/\""},
		{"http.headers", "\r\nServer: Network Camera\r\n"},
		{"http.headers", "system_modelname=\""},
		{"http.favicon_md5", "a1b2c3d4e5f60718293a4b5c6d7e8f90"},
		{"http.headers", `it's a "camera" {really}`},
	}
	for i, w := range want {
		if e := entries[i]; e.Key != w.key || !strings.Contains(e.Value, w.holds) || e.Product != "Vivotek-Network-Camera Vivotek Network Camera web interface" {
			t.Errorf("entry %d = %+v, want %s holding %q", i, e, w.key, w.holds)
		}
	}
	if !strings.Contains(entries[0].Provenance, "GET /main.html") {
		t.Errorf("provenance = %q, want the plugin's URL", entries[0].Provenance)
	}
	if _, sk := pluginEntries("Plugin.define do\nname \"X\"\npassive do\nend\nend\n", "WhatWeb:plugins/x.rb"); len(sk) != 1 {
		t.Errorf("a plugin without matches: skipped %v, want one line", sk)
	}
}

// FuzzRubyHashes: plugin files are input too; no text may panic the reader.
func FuzzRubyHashes(f *testing.F) {
	for _, seed := range []string{
		`{ :text=>'a' }, { :regexp=>/b\/c/i, :search=>"headers[server]" } ]`,
		`{ text: "x\n", version: /([\d.]+)/ }`,
		`{ :text=>'unterminated`,
		`{ :a=>[1,2, { :b=>'c' }], :d=>/e/ }`,
		`# } comment ]` + "\n" + `{ :md5=>"x", :url=>"/favicon.ico" }`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, h := range rubyHashes(s) {
			e := entry{}
			_ = fillFromMatch(&e, h)
		}
	})
}
