import Foundation
import ServiceKit

/// The `campaign_category[...]` form of CAT-01 (create) and CAT-03 (full replacement).
enum CategoryForm {
    /// `translations` has a child per locale sent (English always), each with its `name`.
    static func schema(locales: [String]) -> FormSchema {
        FormSchema([.compound("translations", locales.map { .compound($0, ["name"]) }), "active", "sortOrder"])
    }

    /// Reads the form; `current` is the category being replaced (its id and translation ids stay).
    static func read(_ input: FormValue, current: CampaignCategory?) throws -> CampaignCategory {
        let form = input["campaign_category"] ?? FormValue.map(FormMap())
        let sent = form["translations"]?.map ?? FormMap()
        var errors = FormErrors(schema: schema(locales: ["en"] + sent.keys.filter { $0 != "en" }))
        let translations = Self.translations(sent, current: current?.translations ?? [])
        if !translations.contains(where: { $0.locale == "en" }) { errors.add(FormMessage.notBlank, at: "translations", "en", "name") }
        let active = flag(form["active"], errors: &errors)
        let sortOrder = integer(form["sortOrder"], errors: &errors)
        guard errors.isEmpty, let sortOrder else { throw errors }
        return CampaignCategory(id: current?.id ?? UUID(), translations: translations, active: active, sortOrder: sortOrder)
    }

    /// The named locales; a locale keeps its translation id across updates (0 = a new one, numbered on save).
    private static func translations(_ sent: FormMap, current: [CategoryTranslation]) -> [CategoryTranslation] {
        sent.compactMap { locale, value in
            guard let name = value["name"]?.trimmedText else { return nil }
            return CategoryTranslation(id: current.first { $0.locale == locale }?.id ?? 0, locale: locale, name: name)
        }
    }

    /// A checkbox: absent or blank is off, as browsers send an unticked box (decision campaigns categories).
    private static func flag(_ value: FormValue?, errors: inout FormErrors) -> Bool {
        guard let value, !value.isBlank else { return false }
        guard let flag = value.bool else {
            errors.add(FormMessage.invalid, at: "active")
            return false
        }
        return flag
    }

    /// The sort key: a required whole number (any sign).
    private static func integer(_ value: FormValue?, errors: inout FormErrors) -> Int? {
        guard let value, !value.isBlank else {
            errors.add(FormMessage.notBlank, at: "sortOrder")
            return nil
        }
        guard let number = value.int else {
            errors.add(FormMessage.invalid, at: "sortOrder")
            return nil
        }
        return number
    }
}
