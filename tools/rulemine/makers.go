package main

import (
	"regexp"
	"strings"
)

// surveillanceWords select the rules about video surveillance equipment.
var surveillanceWords = regexp.MustCompile(`(?i)camera|ipcam|ip-cam|webcam|\bdvr|\bnvr|\bxvr|\bcctv|surveillance|video server|video recorder|video encoder|blue ?iris|zoneminder|securityspy|shinobi|motioneye|digital[- ]watchdog|\bvms\b|video analytics|fortirecorder|dericam|contacam|exacq|airvision|unifi-video|intercom video|\bipc\b|netsurveillance|h264dvr|doorbell|` + makerWords)

// makerWords are the makers whose products a rule set names; a rule naming
// one is a surveillance rule even without a camera word (Hikvision-Webs).
const makerWords = `hikvision|dahua|amcrest|lorex|xiongmai|uniview|tiandy|kedacom|hipcam|hiipcam|cross dvr|ezviz|annke|foscam|reolink|milesight|axis|bosch|hanwha|samsung techwin|vivotek|mobotix|avigilon|geovision|pelco|arecont|\bacti\b|iqinvision|sony network|netwave|avtech|nuuo|ic[- ]?realtime`

// makerOf maps a rule's product text to the catalogue maker it names (PRC
// makers only: the corpus asks whether these are caught). Brands map to the
// maker behind them as vendors.yaml links them. Order matters: the first
// match wins.
var makerTable = []struct {
	re    *regexp.Regexp
	maker string
}{
	{regexp.MustCompile(`(?i)hikvision|ezviz|hiwatch`), "Hikvision"},
	{regexp.MustCompile(`(?i)dahua|amcrest|cp ?plus`), "Dahua"},
	{regexp.MustCompile(`(?i)xiongmai|netsurveillance|h264dvr|uc-httpd`), "Xiongmai"},
	{regexp.MustCompile(`(?i)uniview`), "Uniview"},
	{regexp.MustCompile(`(?i)tiandy`), "Tiandy"},
	{regexp.MustCompile(`(?i)kedacom`), "Kedacom"},
	{regexp.MustCompile(`(?i)cross dvr|\btvt\b`), "TVT"},
	{regexp.MustCompile(`(?i)hipcam|hiipcam|hisilicon|hilinux`), "HiSilicon"},
	{regexp.MustCompile(`(?i)milesight`), "Milesight"},
	{regexp.MustCompile(`(?i)foscam`), "Foscam"},
	{regexp.MustCompile(`(?i)reolink`), "Reolink"},
	{regexp.MustCompile(`(?i)reecam`), "Reecam"},
}

// brandOnlyTable names brands the catalogue links to a restricted maker by
// firmware only (vendors.yaml link: firmware): the brand alone names no maker,
// so such a rule is not a PRC-maker entry, yet restricting it on the maker's
// firmware evidence is right.
var brandOnlyTable = []struct {
	re    *regexp.Regexp
	brand string
}{
	{regexp.MustCompile(`(?i)lorex`), "Lorex"},
	{regexp.MustCompile(`(?i)intelbras`), "Intelbras"},
	{regexp.MustCompile(`(?i)ic[- ]?realtime`), "IC Realtime"},
}

func brandOf(product string) string {
	for _, b := range brandOnlyTable {
		if b.re.MatchString(product) {
			return b.brand
		}
	}
	return ""
}

// platformWords mark rules about a maker's management software (video
// platforms, parking, intercom, cloud), which runs on ordinary servers, and
// its non-surveillance products (routers): they are counted apart from the
// device rules.
var platformWords = regexp.MustCompile(`(?i)platform|平台|ivms|isecure|wpms|\bicc\b|dahua/icc|parking|broadcast|对讲|diagnosis|诊断|cloud|clould|gateway|网关|ezstation|vm50|control\b|v23-control|safeguard|router|/ur5[0-9]|keyboard`)

func scopeOf(text string) string {
	if platformWords.MatchString(text) {
		return "platform"
	}
	return "device"
}

// makerCorrections are rules whose own product text names a maker their
// devices are not from, each with the public evidence: the entry keeps the
// rule's text but names no maker.
var makerCorrections = map[string]string{
	"nuclei-templates:http/exposed-panels/xvr-login.yaml": "the template's CPE names dahuasecurity:xvr5xxx, but <title>XVR LOGIN</title> at /login.rsp is the " +
		"CVE-2018-9995 DVR family (Server: GNU rsp/1.0; Novo, CeNova, Q-See, Night Owl OEMs of Shenzhen Milantek/TBK), not Dahua: " +
		"ezelf/CVE-2018-9995_dvr_credentials README; code index file 44334634973 ('GNU rsp/1.0' + 'XVR LOGIN': Cenova XVR, OEM Shenzhen Milantek)",
	"dismap:configs/rule.go:1922": "the rule (HuaWei-Camera) detects action=\"/goform/WEB_UsrLoginProc\", the login form of a GoAhead camera web UI (/asppage/common/login.asp) " +
		"that other makers' cameras serve: WebRAY's 'jingyang Camera - default password' check posts to it (code index file 10641608390), and a " +
		"home-automation client drives a camera of OUI 00:18:A2 through it (code index file 10564469680); nothing ties it to Huawei",
	"kscan:static/fingerprint.txt:10441": "the rule (HuaWei-Camera) is dismap's line 1922, the GoAhead login form action=\"/goform/WEB_UsrLoginProc\" " +
		"of other makers' cameras (see that correction), here beside the Server header WebServer",
	"yaklang:common/fp/iotdevfp/rule.go:ruleRaw#450": "the rule labels the bare word intellinet a TP-Link camera, but Intellinet is the network-camera brand of " +
		"IC Intracom (WhatWeb plugins/intellinet-ip-camera.rb, dismap configs/rule.go line 2128, and yaklang's own intellinet ip_cam rules #113, #214, #259)",
}

func makerOf(product string) string {
	for _, m := range makerTable {
		if m.re.MatchString(product) {
			return m.maker
		}
	}
	return ""
}

// notSurveillanceWords are products whose names hold a maker word but that
// are something else: Apache Axis (web services), BMC Remedy's "Axis" login,
// AVTECH Software's Room Alert environment monitors (not AVTECH the camera
// maker).
var notSurveillanceWords = regexp.MustCompile(`(?i)apache[- ]axis|remedy[- ]axis|room[- ]alert`)

func isSurveillance(text string) bool {
	return surveillanceWords.MatchString(strings.ToLower(text)) && !notSurveillanceWords.MatchString(text)
}
