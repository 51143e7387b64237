// Package importer turns other tools' results into observations, so that
// `camsweep identify --from` judges them with this installation's signatures
// and policy: nmap's output (-sV, with its NSE scripts), as XML (-oX) or as
// its normal text (-oN, or what nmap printed), Zeek's logs (TSV or JSON
// lines), Shodan's banner JSON, Censys's host data, masscan's output and
// Nessus exports.
//
// An observation an importer emits uses the key the scanner's own decoders
// use for the same fact (docs/observation-keys.md): nmap's http-headers
// output is decoded as the HTTP response it came from, its ssl-cert PEM as a
// certificate, its service fingerprints as the raw responses they hold. What
// only the other tool knows (nmap's service guess, a Zeek software entry)
// gets its own namespaced key.
//
// Imported files are hostile input: memory is bounded (line length, element
// and record size, values per record) but a file's length is not: it is
// read record by record to its end. Nothing panics on malformed data; a
// record that cannot be read is counted and skipped rather than ending the
// import, and an input that cannot be read to its end (cut short, an
// element over its bound) keeps what came before and says where it ended
// (Stats.Stopped), never silently.
package importer
