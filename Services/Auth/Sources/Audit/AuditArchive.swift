import Foundation
import Postgres
import ServiceKit

/// The result of `POST /api/audit/log/archive`.
struct ArchiveResult: Encodable {
    let totalArchived: Int
    let filename: String?
    let message: String?

    static let nothingToArchive = "No logs to archive from this time range. The file was not created."
    static let alreadyGenerated = "Archive for this date range has already been generated."
}

/// Moves the audit entries before a day into `DATA_DIR/audit-archives/audit_log_archive_before_YYYY_MM_DD.xml`
/// (decision platform §5.15): the file is written before the entries are deleted, in one transaction under
/// a lock shared by every replica, so an entry is never lost (at worst, after a crash, kept in both places).
struct AuditArchive: Sendable {
    let directory: URL
    let repository = AuditRepository()

    init(dataDirectory: URL) {
        directory = dataDirectory.appendingPathComponent("audit-archives", isDirectory: true)
    }

    static func filename(before day: LocalDate) -> String {
        "audit_log_archive_before_\(day.description.replacingOccurrences(of: "-", with: "_")).xml"
    }

    /// Whether a name is an archive's name (anything else, such as a path, is never read).
    static func isArchiveName(_ name: String) -> Bool {
        name.wholeMatch(of: /audit_log_archive_before_\d{4}_\d{2}_\d{2}\.xml/) != nil
    }

    /// Archives the entries created before `day` (midnight UTC), recording the archiving itself.
    func archive(before day: LocalDate, change: Change, on pool: PostgresPool) async throws -> ArchiveResult {
        let name = Self.filename(before: day)
        let file = directory.appendingPathComponent(name)
        return try await pool.transaction { tx in
            try await repository.lockArchiving(on: tx)
            if FileManager.default.fileExists(atPath: file.path) {
                return ArchiveResult(totalArchived: 0, filename: name, message: ArchiveResult.alreadyGenerated)
            }
            let entries = try await repository.entries(before: Timestamp.startOfDay(day), on: tx)
            guard !entries.isEmpty else { return ArchiveResult(totalArchived: 0, filename: nil, message: ArchiveResult.nothingToArchive) }
            try write(AuditXML.render(entries), to: file)
            do {
                try await repository.delete(ids: entries.map(\.id), on: tx)
                try await change.record(
                    on: tx, event: "AuditLogWasArchived", audit: "ArchiveAuditLog", entity: "audit_log", id: name,
                    payload: ["filename": name, "beforeDate": day.description, "totalArchived": String(entries.count)]
                )
            } catch {
                try? FileManager.default.removeItem(at: file)
                throw error
            }
            return ArchiveResult(totalArchived: entries.count, filename: name, message: nil)
        }
    }

    /// The archives' names, ascending.
    func names() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter(Self.isArchiveName).sorted()
    }

    /// An archive's bytes, nil when there is no such archive.
    func contents(of name: String) -> Data? {
        guard Self.isArchiveName(name) else { return nil }
        return FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
    }

    /// Writes atomically: a hidden temporary file renamed into place.
    private func write(_ text: String, to file: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path, file.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
        }
    }
}
