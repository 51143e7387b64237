package service

import (
	"bytes"
	"encoding/json"
	"iter"
	"regexp"

	"github.com/camsweep/camsweep/scanner"
	"github.com/camsweep/camsweep/scanner/discovery"
)

// DHIP on TCP (the control port, 37777 by default) carries JSON-RPC
// messages behind the same 32-byte header as the UDP discovery reply
// (discovery.DHIPNext splits them): a client's {"method", "params", "id",
// "session"} and the device's {"id", "params", "result", "session"}. An
// answer does not name its method; the request with the same id does.

// DecodeDHIP reads a DHIP session: the client's requests are read only for
// their method and id (never their params: the login's hold the password
// hash). Each answer of the device to a request seen gives dhip.answer, the
// method it answered (a keep-alive of a long-lived connection shows the
// protocol too), and the answers to the identity requests give what
// discovery.ReadDHIPAnswer reads: dhip.model, dhip.device_class,
// dhip.serial, dhip.firmware, dhip.vendor and dhip.machine_name; the login
// challenge gives dhip.realm, and a notice the device pushes unasked
// (client.notifyEventStream on a session that subscribed to events)
// dhip.notice. A server that says nothing readable is reported as a banner.
func DecodeDHIP(client, server []byte, m scanner.Meta, emit scanner.Emit) error {
	calls := dhipRequestCalls(client)
	out := newEmitter(m, emit)
	answers := 0
	for obj := range dhipMessages(server) {
		if _, request := obj["method"]; request {
			// A request of the server's own names nothing, but a notice it
			// pushes to its client (client.notifyEventStream) is Dahua's RPC.
			if notice := discovery.DHIPNotice(discovery.JSONScalar(obj["method"])); notice != "" {
				answers++
				out.add("dhip.notice", notice)
			}
			continue
		}
		call, asked := calls[discovery.JSONScalar(obj["id"])]
		if !asked {
			continue
		}
		answers++
		out.add("dhip.answer", call.method)
		emitDHIPCallAnswer(out, call, obj["params"], true)
	}
	if answers == 0 {
		return DecodeBanner(client, server, m, emit)
	}
	return nil
}

// dhipMessages yields the JSON object of each whole DHIP message at the
// start of b, at most maxMessages of them; bodies that are not JSON objects
// are passed over.
func dhipMessages(b []byte) iter.Seq[map[string]json.RawMessage] {
	return func(yield func(map[string]json.RawMessage) bool) {
		for n := 0; n < maxMessages; n++ {
			body, rest, ok := discovery.DHIPNext(b)
			if !ok {
				return
			}
			b = rest
			if obj, ok := discovery.JSONObject(body); ok && !yield(obj) {
				return
			}
		}
	}
}

// dhipMethodName is the shape of a method name (magicBox.getDeviceType,
// global.keepAlive): the client chooses it and the answer's observation
// carries it, so nothing else is taken.
var dhipMethodName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,31}(?:\.[A-Za-z][A-Za-z0-9_]{0,31}){1,3}$`)

// dhipMulticall is the method that batches calls: its params are a list of
// requests ({"method", "params", "id", "session"}) and its answer's params
// the list of their answers ({"id", "params", "result"}), in order.
const dhipMulticall = "system.multicall"

// maxMulticallCalls bounds how many calls of one batch are read.
const maxMulticallCalls = 32

// rpcCall is what a client's JSON-RPC request asked: its method and, for a
// system.multicall, the method and id of each call it batches.
type rpcCall struct {
	method string
	inner  []rpcInnerCall
}

type rpcInnerCall struct{ id, method string }

// readRPCCall reads a request's method, and the inner calls of a multicall;
// false when the request has no method-shaped method. Only methods and ids
// are read, never an inner call's params.
func readRPCCall(req map[string]json.RawMessage) (rpcCall, bool) {
	call := rpcCall{method: discovery.JSONScalar(req["method"])}
	if !dhipMethodName.MatchString(call.method) {
		return rpcCall{}, false
	}
	if call.method != dhipMulticall {
		return call, true
	}
	var batch []map[string]json.RawMessage
	if json.Unmarshal(req["params"], &batch) != nil {
		return call, true
	}
	for _, r := range batch[:min(len(batch), maxMulticallCalls)] {
		inner := rpcInnerCall{id: discovery.JSONScalar(r["id"]), method: discovery.JSONScalar(r["method"])}
		if !dhipMethodName.MatchString(inner.method) {
			inner.method = "" // keeps the position of the answers after it
		}
		call.inner = append(call.inner, inner)
	}
	return call, true
}

// dhipRequestCalls maps the ids of the client's requests to what they
// asked.
func dhipRequestCalls(client []byte) map[string]rpcCall {
	calls := map[string]rpcCall{}
	for req := range dhipMessages(client) {
		if id := discovery.JSONScalar(req["id"]); id != "" {
			if call, ok := readRPCCall(req); ok {
				calls[id] = call
			}
		}
	}
	return calls
}

// jsonRPCCall returns what a JSON-RPC request body asks, when it has the
// shape of one (dhipMethodName).
func jsonRPCCall(body []byte) (rpcCall, bool) {
	req, ok := discovery.JSONObject(body)
	if !ok {
		return rpcCall{}, false
	}
	return readRPCCall(req)
}

// emitRPCAnswer reads an HTTP answer to a JSON-RPC request (Dahua's /RPC2
// carries the same calls as DHIP): the identity answers give the same keys
// (discovery.ReadDHIPAnswer).
func emitRPCAnswer(out *emitter, call rpcCall, body []byte) {
	if answer, ok := discovery.JSONObject(body); ok {
		emitDHIPCallAnswer(out, call, answer["params"], false)
	}
}

// emitDHIPCallAnswer reads the params of the answer to call. A multicall's
// are the answers of its inner calls, each read as the answer to a single
// call of its method: paired by id, or by position when it carries none
// (withAnswer also emits each inner method answered, as dhip.answer).
func emitDHIPCallAnswer(out *emitter, call rpcCall, params json.RawMessage, withAnswer bool) {
	if call.method != dhipMulticall {
		discovery.ReadDHIPAnswer(call.method, params, out.add)
		return
	}
	var answers []map[string]json.RawMessage
	if json.Unmarshal(params, &answers) != nil {
		return
	}
	for i, a := range answers[:min(len(answers), maxMulticallCalls)] {
		method := innerMethod(call.inner, discovery.JSONScalar(a["id"]), i)
		if method == "" {
			continue
		}
		if withAnswer {
			out.add("dhip.answer", method)
		}
		discovery.ReadDHIPAnswer(method, a["params"], out.add)
	}
}

// innerMethod is the method of the batched call an inner answer answers:
// the call with its id, or, for an answer without one, the call at its
// position.
func innerMethod(inner []rpcInnerCall, id string, position int) string {
	if id != "" {
		for _, c := range inner {
			if c.id == id {
				return c.method
			}
		}
		return ""
	}
	if position < len(inner) {
		return inner[position].method
	}
	return ""
}

// isDHIPFrame reports whether b opens with a whole DHIP message whose body
// is a JSON object: the first message of either side names the protocol on
// any port.
func isDHIPFrame(b []byte) bool {
	body, _, ok := discovery.DHIPNext(b)
	body = bytes.TrimLeft(body, " \t\r\n")
	return ok && len(body) > 0 && body[0] == '{'
}
