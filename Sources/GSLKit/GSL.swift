@preconcurrency import CGSL

/// The one place capsim talks to the GNU Scientific Library. Every GSL call is wrapped
/// once here, behind Swift types; no other module imports CGSL.
public enum GSL {
    /// GSL's default error handler aborts the process; capsim checks return codes instead.
    /// Runs once, before the first GSL call of any wrapper.
    static let errorHandlerDisabled: Void = {
        gsl_set_error_handler_off()
    }()

    /// GSL's version, e.g. "2.7.1".
    public static var version: String { String(cString: gsl_version) }
}
