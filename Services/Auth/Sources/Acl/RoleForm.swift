import Foundation
import ServiceKit

/// The `role[...]` form of EP-29 and EP-32: `name` (required), `default`, and
/// `permissions[i][resource]` / `permissions[i][access]` from the resource and access lists.
struct RoleForm {
    static let schema: FormSchema = ["name", "default", "permissions"]
    static let invalidChoice = "The value you selected is not a valid choice."

    var name: String
    var isDefault: Bool
    var grants: [Grant]

    init(_ input: FormValue) throws {
        guard let form = input["role"], form.map != nil else { throw FormErrors(schema: Self.schema) }
        var errors = FormErrors(schema: Self.schema)
        let name = form["name"]?.trimmedText
        if name == nil { errors.add(FormMessage.notBlank, at: "name") }
        var isDefault = false
        if let value = form["default"], !value.isBlank {
            if let flag = value.bool { isDefault = flag } else { errors.add(FormMessage.invalid, at: "default") }
        }
        let grants = Self.grants(form["permissions"], errors: &errors)
        guard errors.isEmpty, let name else { throw errors }
        self.name = name
        self.isDefault = isDefault
        self.grants = grants
    }

    /// The permissions in the order sent, duplicates dropped; each bad entry reported at its index.
    private static func grants(_ value: FormValue?, errors: inout FormErrors) -> [Grant] {
        guard let value, !value.isBlank else { return [] }
        guard let items = value.list else {
            errors.add(FormMessage.invalid, at: "permissions")
            return []
        }
        var grants: [Grant] = []
        for (index, item) in items.enumerated() {
            let resource = item["resource"]?.trimmedText
            let access = item["access"]?.trimmedText.flatMap { Access(rawValue: $0.uppercased()) }
            if resource.flatMap(AclResource.named) == nil { errors.add(invalidChoice, at: ["permissions", String(index), "resource"]) }
            if access == nil { errors.add(invalidChoice, at: ["permissions", String(index), "access"]) }
            if let resource, AclResource.named(resource) != nil, let access {
                let grant = Grant(resource: resource, access: access)
                if !grants.contains(grant) { grants.append(grant) }
            }
        }
        return grants
    }
}
