// Runs the npm onvif client's WS-Discovery (agsh/onvif Discovery.probe) and
// prints what it found as JSON lines, for TestNpmOnvifDiscovery. It sends a
// multicast Probe: run it only inside a lab namespace, never on a real
// network.
//
// Usage: node discover.js [timeout-ms]
//
// Lines printed:
//   {"event":"device","from":IP,"endpoint":…,"xaddrs":[…],"scopes":[…],"types":[…],"metadataVersion":…,"relatesTo":…}
//   {"event":"error","from":IP|null,"message":…}   a reply the library rejected, or a socket error
//   {"event":"done","messageId":…,"devices":N,"errors":N}   last line, after the timeout
'use strict';

const crypto = require('crypto');
const onvif = require('onvif');

const timeout = Number(process.argv[2] || 3000);
const messageId = crypto.randomUUID(); // the library sends urn:uuid:<messageId>

function out(obj) {
	process.stdout.write(JSON.stringify(obj) + '\n');
}

function words(s) {
	return typeof s === 'string' ? s.split(/\s+/).filter(Boolean) : [];
}

// Without an error listener the library's emit('error') would throw.
onvif.Discovery.on('error', function(err) {
	const message = err instanceof Error ? err.message : String(err);
	const m = /from ([0-9.]+):/.exec(message);
	out({event: 'error', from: m ? m[1] : null, message: message});
});

// With resolve:false the device event carries the raw match (the SOAP Body,
// namespaces stripped and flattened by the library), the sender and the XML.
onvif.Discovery.on('device', function(data, rinfo, xml) {
	const match = data.probeMatches.probeMatch;
	const relatesTo = /<(?:[\w.-]+:)?RelatesTo\b[^>]*>([^<]*)</.exec(xml || '');
	out({
		event: 'device',
		from: rinfo.address,
		endpoint: match.endpointReference && match.endpointReference.address,
		xaddrs: words(match.XAddrs),
		scopes: words(match.scopes),
		types: words(match.types),
		metadataVersion: match.metadataVersion,
		relatesTo: relatesTo ? relatesTo[1].trim() : null,
	});
});

onvif.Discovery.probe({timeout: timeout, resolve: false, messageId: messageId}, function(err, devices) {
	const errors = err ? [].concat(err) : [];
	out({event: 'done', messageId: 'urn:uuid:' + messageId, devices: devices ? devices.length : 0, errors: errors.length});
});
