/// Everything that can go wrong talking to PostgreSQL.
///
/// Server errors carry the SQLSTATE and, for constraint violations, the constraint name, so a repository
/// can turn `23505` on `customers_email_key` into its own "duplicate e-mail" error.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server answered the statement with an error.
        case server
        /// The connection could not be opened or broke.
        case connection
        /// No connection became free within the pool's acquire timeout.
        case poolTimeout
        /// The pool was shut down.
        case poolClosed
        /// A value could not be decoded into the requested Swift type.
        case decoding
        /// The configuration is unusable.
        case configuration
    }

    public var kind: Kind
    public var message: String
    public var sqlState: String?
    public var constraint: String?
    public var detail: String?
    public var table: String?
    public var column: String?

    public init(
        kind: Kind, message: String, sqlState: String? = nil, constraint: String? = nil,
        detail: String? = nil, table: String? = nil, column: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.constraint = constraint
        self.detail = detail
        self.table = table
        self.column = column
    }

    static func configuration(_ message: String) -> PostgresError { .init(kind: .configuration, message: message) }
    static func connection(_ message: String) -> PostgresError { .init(kind: .connection, message: message) }
    static func decoding(_ message: String) -> PostgresError { .init(kind: .decoding, message: message) }

    /// `40001`: the transaction lost a serialization race and may simply be run again.
    public var isSerializationFailure: Bool { sqlState == "40001" }
    /// `40P01`: the server broke a deadlock by aborting this transaction.
    public var isDeadlock: Bool { sqlState == "40P01" }
    /// `23505`: a unique constraint refused the row; `constraint` names which.
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// `23503`: a foreign key refused the row.
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// `23514`: a check constraint refused the row.
    public var isCheckViolation: Bool { sqlState == "23514" }
    /// Errors after which running the whole transaction again is safe and likely to succeed.
    public var isTransient: Bool { isSerializationFailure || isDeadlock || kind == .connection }

    public var description: String {
        var text = "PostgreSQL \(kind): \(message)"
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        if let constraint { text += " (constraint \(constraint))" }
        if let detail { text += " — \(detail)" }
        return text
    }
}
