// Every failure the server reports, in OpenAI's error shape
// `{"error": {"message", "type", "param", "code"}}` with the matching HTTP status.

import Hummingbird

/// An error answered to the client as an OpenAI-style JSON body.
public struct OpenAIError: Error, Equatable, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    /// OpenAI's `type`: invalid_request_error, authentication_error, not_found_error, server_error.
    public var type: String
    /// The request field at fault, if any.
    public var param: String?
    /// Machine-readable code, e.g. `model_not_found`, `context_length_exceeded`.
    public var code: String?
    /// The connection closes after this answer, unread request bytes unread (a body too large or too slow).
    public var closesConnection: Bool

    public init(
        status: HTTPResponse.Status, message: String, type: String, param: String? = nil, code: String? = nil,
        closesConnection: Bool = false
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.closesConnection = closesConnection
    }

    public var description: String { "\(status.code) \(type): \(message)" }

    /// The `{"error": {...}}` document.
    public var json: JSONValue {
        .object([
            (
                "error",
                .object([
                    ("message", .string(message)),
                    ("type", .string(type)),
                    ("param", param.map(JSONValue.string) ?? .null),
                    ("code", code.map(JSONValue.string) ?? .null)
                ])
            )
        ])
    }

    static func invalidRequest(_ message: String, param: String? = nil, code: String) -> OpenAIError {
        OpenAIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }

    static func invalidJSON(_ reason: String) -> OpenAIError {
        invalidRequest("We could not parse the JSON body of your request: \(reason)", code: "invalid_json")
    }

    static func missing(_ param: String) -> OpenAIError {
        invalidRequest("Missing required parameter: '\(param)'.", param: param, code: "missing_required_parameter")
    }

    static func wrongType(_ param: String, expected: String, got value: JSONValue) -> OpenAIError {
        invalidRequest(
            "Invalid type for '\(param)': expected \(expected), got \(value.kindName).", param: param,
            code: "invalid_type")
    }

    static func invalidValue(_ param: String, _ message: String) -> OpenAIError {
        invalidRequest("Invalid value for '\(param)': \(message)", param: param, code: "invalid_value")
    }

    static func modelNotFound(_ model: String) -> OpenAIError {
        OpenAIError(
            status: .notFound, message: "The model `\(model)` does not exist.", type: "invalid_request_error",
            param: "model", code: "model_not_found")
    }

    static let unauthorized = OpenAIError(
        status: .unauthorized, message: "Incorrect or missing API key; send 'Authorization: Bearer <key>'.",
        type: "invalid_request_error", code: "invalid_api_key")

    static func bodyTooLarge(limit: Int) -> OpenAIError {
        OpenAIError(
            status: .contentTooLarge, message: "Request body is larger than the limit of \(limit) bytes.",
            type: "invalid_request_error", code: "request_too_large", closesConnection: true)
    }

    static func bodyTimeout(_ limit: Duration, received: Int) -> OpenAIError {
        OpenAIError(
            status: .requestTimeout,
            message: "The request body did not arrive within \(limit) (\(received) bytes received).",
            type: "invalid_request_error", code: "request_timeout", closesConnection: true)
    }

    static func streamBacklogExceeded(pieces: Int) -> OpenAIError {
        OpenAIError(
            status: .serviceUnavailable,
            message: "The client fell \(pieces) pieces behind the stream; generation was stopped.",
            type: "server_error", code: "stream_backlog_exceeded")
    }

    static func serverError(_ message: String) -> OpenAIError {
        OpenAIError(status: .internalServerError, message: message, type: "server_error", code: "server_error")
    }

    static let shuttingDown = OpenAIError(
        status: .serviceUnavailable, message: "The server is shutting down.", type: "unavailable_error",
        code: "shutting_down")

    static func generationFailed(_ error: any Error) -> OpenAIError {
        serverError("Generation failed: \(error)")
    }
}

extension OpenAIError: HTTPResponseError {
    public var headers: HTTPFields { closesConnection ? [.connection: "close"] : [:] }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.json(json, status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension Response {
    /// A JSON response with the given status.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized)))
    }
}

/// Turns every error (ours, the router's 404/405, NIO's too-many-bytes) into the OpenAI shape, so clients
/// can always parse `error.message`; logs each rejection (method, path, status, code: never a header).
struct OpenAIErrorMiddleware: RouterMiddleware {
    typealias Context = ServeRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as OpenAIError {
            let code = error.code ?? error.type
            context.logger.notice("\(request.method) \(request.uri.path): \(error.status.code) \(code)")
            if error.closesConnection { await context.closeConnectionAfterResponse() }
            return try error.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            let status = error.status
            let type =
                status == .notFound ? "not_found_error" : status.code >= 500 ? "server_error" : "invalid_request_error"
            let message =
                status == .notFound
                ? "No route for \(request.method) \(request.uri.path)." : "\(status.code) \(status.reasonPhrase)"
            let wrapped = OpenAIError(status: status, message: message, type: type)
            return Response.json(wrapped.json, status: status)
        } catch {
            context.logger.error("request failed: \(error)")
            let wrapped = OpenAIError.serverError("Internal error: \(error)")
            return Response.json(wrapped.json, status: wrapped.status)
        }
    }
}

/// Requires `Authorization: Bearer <key>` on every route except /health (load balancers probe it).
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = ServeRequestContext
    let expected: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if request.uri.path == "/health" { return try await next(request, context) }
        guard let header = request.headers[.authorization], constantTimeEqual(header, "Bearer " + expected) else {
            throw OpenAIError.unauthorized
        }
        return try await next(request, context)
    }

    /// Compares without an early exit, so timing does not reveal how much of the key matched.
    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = x.count ^ y.count
        for i in 0..<min(x.count, y.count) { diff |= Int(x[i] ^ y[i]) }
        return diff == 0
    }
}
