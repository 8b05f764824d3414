// A deliberately small HTTP/1.1 client over a POSIX socket, so tests control the connection exactly:
// send malformed or oversized bodies, read a stream piece by piece, hang up mid-stream.

import Foundation
#if canImport(Glibc)
    import Glibc
#endif
@testable import PolyglotServe

struct HTTPReply {
    var status: Int
    var headers: [String: String]
    var body: String

    var json: JSONValue? { try? JSONValue.parse(Data(body.utf8)) }

    /// Payloads of the server-sent events, in order (`[DONE]` included).
    var events: [String] {
        body.components(separatedBy: "\n\n").compactMap { block in
            block.hasPrefix("data: ") ? String(block.dropFirst(6)) : nil
        }
    }
}

struct LoopbackError: Error, CustomStringConvertible {
    var description: String
}

final class LoopbackConnection {
    private let fd: Int32

    /// `receiveBufferBytes` shrinks the kernel's receive buffer (and so the TCP window) before connecting, for
    /// a client that should fall behind quickly. Sends and receives give up after `timeoutSeconds`.
    init(port: Int, timeoutSeconds: Int = 20, receiveBufferBytes: Int? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackError(description: "socket() failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if var size = receiveBufferBytes.map(Int32.init) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw LoopbackError(description: "connect to port \(port) failed")
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ data: Data) throws {
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard n > 0 else { throw LoopbackError(description: "send failed after \(offset) bytes") }
            offset += n
        }
    }

    /// Next bytes from the server; nil at end of stream (or on timeout).
    func receive() -> Data? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? Data(buffer[0..<n]) : nil
    }

    /// Everything until the server closes the connection (or `timeoutSeconds` pass without a byte).
    func readToEnd() -> (data: Data, closedByServer: Bool) {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { data += buffer[0..<n]; continue }
            return (data, n == 0 || errno == ECONNRESET)
        }
    }

    /// Closes abruptly (RST rather than FIN) like a killed client.
    func hangUp() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// A request; `keepAlive` leaves out `Connection: close`, so only the server can decide to hang up.
    static func requestBytes(
        _ method: String, _ path: String, body: Data?, headers: [String: String],
        keepAlive: Bool = false
    ) -> Data {
        let length = body.map { ["Content-Length": "\($0.count)"] } ?? [:]
        return head(method, path, headers: headers.merging(length) { given, _ in given }, keepAlive: keepAlive)
            + (body ?? Data())
    }

    /// Just the head of a request: the test sends the body (or not) itself.
    static func head(_ method: String, _ path: String, headers: [String: String], keepAlive: Bool = false) -> Data {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(keepAlive ? "" : "Connection: close\r\n")"
        head += "Content-Type: application/json\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        return Data((head + "\r\n").utf8)
    }
}

/// One request on a fresh connection, read to the end.
func httpRequest(port: Int, _ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:])
    throws -> HTTPReply
{
    try httpRequest(port: port, method, path, bodyData: body.map { Data($0.utf8) }, headers: headers)
}

func httpRequest(port: Int, _ method: String, _ path: String, bodyData: Data?, headers: [String: String] = [:]) throws
    -> HTTPReply
{
    let connection = try LoopbackConnection(port: port)
    // The server may answer (413) and close before the whole body is sent; the reply still counts.
    try? connection.send(LoopbackConnection.requestBytes(method, path, body: bodyData, headers: headers))
    var raw = Data()
    while let piece = connection.receive() { raw += piece }
    return try parseReply(raw)
}

func parseReply(_ raw: Data) throws -> HTTPReply {
    guard let split = raw.range(of: Data("\r\n\r\n".utf8)) else {
        throw LoopbackError(description: "no HTTP head in \(raw.count) bytes")
    }
    let headLines = String(decoding: raw[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let statusParts = headLines[0].split(separator: " ")
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
        throw LoopbackError(description: "bad status line \(headLines[0])")
    }
    var headers: [String: String] = [:]
    for line in headLines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var body = Data(raw[split.upperBound...])
    if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
    return HTTPReply(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
}

/// Decodes `Transfer-Encoding: chunked` (stops at the last complete chunk, so a cut stream decodes too).
func dechunk(_ data: Data) -> Data {
    var out = Data()
    var rest = data[...]
    while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
        guard let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0 else {
            break
        }
        let start = lineEnd.upperBound
        guard rest.distance(from: start, to: rest.endIndex) >= size + 2 else { break }
        let end = rest.index(start, offsetBy: size)
        out += rest[start..<end]
        rest = rest[rest.index(end, offsetBy: 2)...]
    }
    return out
}
