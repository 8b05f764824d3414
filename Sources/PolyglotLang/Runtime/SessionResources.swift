// Long-lived things that commands start in a session and later commands use (the servers of `serve`,
// which `stop` ends). The session only keeps them: each command family owns the type it stores, so the
// language runtime depends on none of them (it does not import the HTTP server).

/// One object per type, created by the command family that owns it on first use.
public final class SessionResources {
    private var objects: [ObjectIdentifier: AnyObject] = [:]

    public init() {}

    /// The session's instance of `type`, made by `make` the first time it is asked for.
    public func shared<Resource: AnyObject>(_ type: Resource.Type, make: () -> Resource) -> Resource {
        if let existing = objects[ObjectIdentifier(type)] as? Resource { return existing }
        let made = make()
        objects[ObjectIdentifier(type)] = made
        return made
    }
}
