import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import ServiceKit

/// The program's images, conditions file, CSS and PWA manifest (ST-07…ST-14, extensions §5.1).
struct SettingsFilesController {
    static let photoNames = [
        "logo", "small-logo", "hero-image", "admin-cockpit-logo", "client-cockpit-logo-big", "client-cockpit-logo-small",
        "client-cockpit-hero-image",
    ]
    static let sizes = ["192x192", "512x512"]
    static let conditions = "conditions"

    let files = FileStore()
    let settings = SettingsRepository()

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.post("settings/photo/{name}", use: uploadPhoto)
        routes.get("settings/photo/{name}", use: photo)
        routes.get("settings/photo/{name}/{size}", use: photo)
        routes.delete("settings/photo/{name}", use: deletePhoto)
        routes.post("settings/logo", use: uploadPhoto)
        routes.get("settings/logo", use: photo)
        routes.get("settings/logo/{size}", use: photo)
        routes.delete("settings/logo", use: deletePhoto)
        routes.post("settings/conditions-file", use: uploadConditions)
        routes.get("settings/conditions-file", use: conditionsFile)
        routes.delete("settings/conditions-file", use: deleteConditions)
        routes.get("settings/conditions-url", use: conditionsURL)
        routes.get("settings/manifest", use: manifest)
        routes.get("settings/css", use: css)
        return routes
    }

    /// ST-07, ST-10: multipart `photo[file]` (png, gif, jpeg, ≤ 2 MB) → `200 []`; an unknown name is 404.
    @Sendable func uploadPhoto(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .modify)
        let name = try Self.photoName(context)
        let (file, type) = try ImageUpload.read(try await context.input(from: request), field: ["photo", "file"])
        try await save(file, type: type, owner: name, event: "SettingsPhotoWasSet", context: context)
        return .emptyArray
    }

    /// ST-08, ST-10: anonymous; the image (the sizes `192x192` and `512x512` serve the stored image as is).
    @Sendable func photo(_ request: Request, context: StoreContext) async throws -> Response {
        let name = try Self.photoName(context)
        if let size = context.parameters.get("size"), !Self.sizes.contains(size) { throw APIError.notFound }
        let file = try await files.find(on: context.runtime.pool, storeID: context.store.id, kind: .setting, owner: name)
        return ImageUpload.response(try file.orThrow(APIError.notFound))
    }

    /// ST-09, ST-10: `200 []`; 404 when there is none.
    @Sendable func deletePhoto(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .modify)
        try await remove(owner: try Self.photoName(context), event: "SettingsPhotoWasRemoved", context: context)
        return .emptyArray
    }

    /// ST-11: multipart `conditions[file]`, a PDF → `200 []`.
    @Sendable func uploadConditions(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .modify)
        let (file, type) = try ImageUpload.read(try await context.input(from: request), field: ["conditions", "file"], allowed: ["application/pdf"])
        try await save(file, type: type, owner: Self.conditions, event: "ConditionsFileWasSet", context: context)
        return .emptyArray
    }

    /// ST-11: anonymous; the PDF as the attachment `terms_conditions.pdf`.
    @Sendable func conditionsFile(_ request: Request, context: StoreContext) async throws -> Response {
        let file = try await files.find(on: context.runtime.pool, storeID: context.store.id, kind: .setting, owner: Self.conditions)
        return ImageUpload.response(try file.orThrow(APIError.notFound), attachment: "terms_conditions.pdf")
    }

    /// ST-11: `200 []`.
    @Sendable func deleteConditions(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .modify)
        try await remove(owner: Self.conditions, event: "ConditionsFileWasRemoved", context: context)
        return .emptyArray
    }

    /// ST-12: any authenticated caller; the uploaded file's path, else the `programConditionsUrl` setting, else null.
    @Sendable func conditionsURL(_ request: Request, context: StoreContext) async throws -> Response {
        _ = try context.requireIdentity()
        let pool = context.runtime.pool
        let program = try await settings.load(on: pool, storeID: context.store.id, currency: context.store.currency)
        return try Response.json(ConditionsURL(url: try await Self.conditionsURL(store: context.store, program: program, on: pool)))
    }

    /// Where the program's conditions are: the uploaded file, else the `programConditionsUrl` setting, else nil.
    static func conditionsURL(store: Store, program: ProgramSettings, on database: some PostgresQueryable) async throws -> String? {
        if try await FileStore().find(on: database, storeID: store.id, kind: .setting, owner: conditions) != nil {
            return "/api/\(store.code)/settings/conditions-file"
        }
        return program.text("programConditionsUrl")
    }

    struct ConditionsURL: Encodable {
        let url: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(url, forKey: .url)
        }

        enum CodingKeys: String, CodingKey { case url }
    }

    struct Manifest: Encodable {
        struct Icon: Encodable {
            let src: String
            let sizes: String
            let type: String
        }

        let name: String
        let short_name: String
        let icons: [Icon]
        let start_url = "/"
        let display = "standalone"
        let scope = "/"
        let background_color: String
        let theme_color: String
    }

    /// ST-13: any authenticated caller; the PWA manifest of the program (icons from the small logo and the logo).
    @Sendable func manifest(_ request: Request, context: StoreContext) async throws -> Response {
        _ = try context.requireIdentity()
        let pool = context.runtime.pool, storeID = context.store.id
        let program = try await settings.load(on: pool, storeID: storeID, currency: context.store.currency)
        guard let name = program.text("programName") else { throw APIError.badRequest("programName is not set") }
        var icons: [Manifest.Icon] = []
        for (photo, size) in [("small-logo", "192x192"), ("logo", "512x512")] {
            if let file = try await files.find(on: pool, storeID: storeID, kind: .setting, owner: photo) {
                icons.append(.init(src: "/api/\(context.store.code)/settings/photo/\(photo)/\(size)", sizes: size, type: file.mime))
            }
        }
        let color = program.text("accentColor") ?? "#ffffff"
        return try Response.json(Manifest(name: name, short_name: name, icons: icons, background_color: color, theme_color: color))
    }

    /// ST-14: anonymous; `cssTemplate` with `{{ accentColor }}` replaced (a `:root` rule when there is no template),
    /// as `text/css`, or `{"css":…}` with `json=1`.
    @Sendable func css(_ request: Request, context: StoreContext) async throws -> Response {
        let program = try await settings.load(on: context.runtime.pool, storeID: context.store.id, currency: context.store.currency)
        let accent = program.text("accentColor") ?? ""
        let text = program.text("cssTemplate").map { $0.replacingOccurrences(of: "{{ accentColor }}", with: accent) }
            ?? (accent.isEmpty ? "" : ":root { --accent-color: \(accent); }\n")
        if FormCheck.checkbox(try context.queryInput(of: request)["json"]) {
            return try Response.json(["css": text])
        }
        return Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private func save(_ file: UploadedFile, type: String, owner: String, event: String, context: StoreContext) async throws {
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            try await files.save(on: tx, storeID: storeID, kind: .setting, owner: owner, file: file, mime: type)
            try await change.record(on: tx, store: storeID, event: event, audit: "ChangeSettings", entity: "settings", id: storeID,
                                    payload: ["name": owner, "mime": type])
        }
    }

    private func remove(owner: String, event: String, context: StoreContext) async throws {
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            guard try await files.delete(on: tx, storeID: storeID, kind: .setting, owner: owner) else { throw APIError.notFound }
            try await change.record(on: tx, store: storeID, event: event, audit: "ChangeSettings", entity: "settings", id: storeID,
                                    payload: ["name": owner])
        }
    }

    /// The `{name}` parameter (one of the photo names), or `logo` for the shortcut routes.
    static func photoName(_ context: StoreContext) throws -> String {
        let name = context.parameters.get("name") ?? "logo"
        guard photoNames.contains(name) else { throw APIError.notFound }
        return name
    }
}
