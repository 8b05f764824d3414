// The request context of the server's routes: Hummingbird's basic context plus the connection, so a route
// can end a connection it no longer trusts (a body too large or too slow, a client that stopped reading)
// instead of reading or buffering what that client still sends.

import Hummingbird
import NIOCore

struct ServeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }

    /// Closes the connection right after the current response is written, without reading the rest of the
    /// request. Hummingbird's connection handler does exactly this when asked to quiesce mid-request; the
    /// event is delivered before this returns, so it precedes the response.
    func closeConnectionAfterResponse() async {
        let channel = self.channel
        try? await channel.eventLoop.submit {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }.get()
    }

    /// Runs one write of a response body; if it has not completed within `timeout` (the client stopped
    /// reading and every buffer is full) the connection is closed, which fails the write. `onStall` runs first.
    func write(
        within timeout: Duration, onStall: @escaping @Sendable () -> Void,
        _ operation: () async throws -> Void
    ) async throws {
        let channel = self.channel
        let watchdog = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            onStall()
            channel.close(promise: nil)
        }
        defer { watchdog.cancel() }
        try await operation()
    }
}
