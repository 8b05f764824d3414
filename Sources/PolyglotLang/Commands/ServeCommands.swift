// `serve` and `stop`: models behind an OpenAI-compatible API while the session goes on.

import Foundation
import PolyglotLab
import PolyglotServe

extension CommandRegistry {
    static let serveCommands: [CommandSpec] = [serve, stop]

    static let serve = CommandSpec(
        "serve", category: "models",
        summary:
            "Serve models over an OpenAI-compatible HTTP API (chat/completions, completions, models) in the background.",
        positionals: [Parameter("models", .any, "a model or a list of models")],
        keywords: [
            Parameter("port", .int, default: .int(8000), "TCP port (0 picks a free one)"),
            Parameter("host", .string, default: .string("127.0.0.1"), "address to bind"),
            Parameter("api_key_env", .string, default: Value.none, "require Authorization: Bearer $NAME")
        ],
        example: "let server = serve tuned port: 8000\nserver.url",
        details:
            "The value is a record {url, port, models}; `judge … with: llm(url: server.url, model: …)` can use it. `stop` ends it."
    ) { inv in
        var models: [LabModel] = []
        switch inv.value("models") {
        case .object(let m as ModelObject): models = [m.model]
        case .list(let xs):
            models = try xs.map {
                guard case .object(let m as ModelObject) = $0 else {
                    throw inv.error("serve takes models, found \($0.typeName)", at: "models")
                }
                return m.model
            }
        case let v: throw inv.error("serve takes a model or a list of models, got \(v.typeName)", at: "models")
        }
        var options = ServeOptions()
        options.host = inv.string("host")
        options.port = inv.int("port")
        options.apiKeyEnvironmentVariable = inv.string(ifGiven: "api_key_env")
        let handle = try inv.lab {
            try OpenAIServer.startInBackground(models.map { ModelGenerator($0) }, options: options)
        }
        inv.session.servers.handles.append(handle)
        inv.session.emit("serving \(handle.modelIDs.joined(separator: ", ")) at \(handle.baseURL)", volatile: true)
        return .record(
            Record([
                ("url", .string(handle.baseURL)), ("port", .int(handle.port)),
                ("models", .list(handle.modelIDs.map { .string($0) }))
            ]))
    }

    static let stop = CommandSpec(
        "stop", category: "models", summary: "Stop every server started by `serve` in this session.",
        example: "stop"
    ) { inv in
        let servers = inv.session.servers
        let n = servers.handles.count
        for s in servers.handles { s.stopAndWait() }
        servers.handles = []
        inv.session.emit("stopped \(n) server(s)")
        return .none
    }
}

/// Servers started by `serve` in one session, stopped by `stop`: kept in the session's resources, so the
/// session itself knows nothing of HTTP.
final class SessionServers {
    var handles: [ServeHandle] = []
}

extension Session {
    var servers: SessionServers { resources.shared(SessionServers.self) { SessionServers() } }
}
