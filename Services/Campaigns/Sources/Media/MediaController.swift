import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// A campaign's photos (CMP-19…21, many per campaign) and brand icon (CMP-12…14, one per campaign). Uploads are
/// multipart (`photo[file]`, `brand_icon[file]`, A13); anyone signed in to the store may fetch the images, which
/// storefronts and POS screens show next to the campaign.
struct MediaController {
    struct Added: Encodable { let photoId: String }

    func add(to group: RouterGroup<StoreContext>) {
        group.post("campaign/{campaign}/photo", use: uploadPhoto)
        group.get("campaign/{campaign}/photo/{photoId}", use: photo)
        group.delete("campaign/{campaign}/photo/{photoId}", use: deletePhoto)
        group.post("campaign/{campaign}/brand_icon", use: uploadBrandIcon)
        group.get("campaign/{campaign}/brand_icon", use: brandIcon)
        group.delete("campaign/{campaign}/brand_icon", use: deleteBrandIcon)
    }

    /// CMP-21 → `200 {"photoId": …}`: the documentation gives no body (A13, A47); the id lets the client show or
    /// delete the photo without reading the campaign again.
    @Sendable func uploadPhoto(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let campaignID = try context.uuidParameter("campaign")
        let image = try CampaignImage.upload(try await context.input(from: request), form: "photo")
        let id = UUID()
        try await context.runtime.pool.transaction { tx in
            guard try await MediaRepository.addPhoto(on: tx, storeID: context.store.id, campaignID: campaignID, id: id, image: image)
            else { throw APIError.notFound }
            try await event("CampaignPhotoWasAdded", campaignID: campaignID, photoID: id, context: context, on: tx)
        }
        return try Response.json(Added(photoId: id.text))
    }

    /// CMP-19: the photo's bytes, or 404 for a photo this campaign of this store does not have.
    @Sendable func photo(_ request: Request, context: StoreContext) async throws -> Response {
        try await requireViewer(context)
        let campaignID = try context.uuidParameter("campaign"), id = try context.uuidParameter("photoId")
        let image = try await MediaRepository.photo(on: context.runtime.pool, storeID: context.store.id, campaignID: campaignID, id: id)
        return try image.orThrow(APIError.notFound).response
    }

    /// CMP-20 → 204; 404 when the campaign has no such photo.
    @Sendable func deletePhoto(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let campaignID = try context.uuidParameter("campaign"), id = try context.uuidParameter("photoId")
        try await context.runtime.pool.transaction { tx in
            guard try await MediaRepository.deletePhoto(on: tx, storeID: context.store.id, campaignID: campaignID, id: id)
            else { throw APIError.notFound }
            try await event("CampaignPhotoWasRemoved", campaignID: campaignID, photoID: id, context: context, on: tx)
        }
        return .noContent
    }

    /// CMP-14 → 204; a new icon replaces the old one.
    @Sendable func uploadBrandIcon(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let campaignID = try context.uuidParameter("campaign")
        let image = try CampaignImage.upload(try await context.input(from: request), form: "brand_icon")
        try await context.runtime.pool.transaction { tx in
            guard try await MediaRepository.setBrandIcon(on: tx, storeID: context.store.id, campaignID: campaignID, image: image)
            else { throw APIError.notFound }
            try await event("CampaignBrandIconWasUploaded", campaignID: campaignID, context: context, on: tx)
        }
        return .noContent
    }

    /// CMP-13: the icon's bytes, or 404 when the campaign has none (A42).
    @Sendable func brandIcon(_ request: Request, context: StoreContext) async throws -> Response {
        try await requireViewer(context)
        let campaignID = try context.uuidParameter("campaign")
        let image = try await MediaRepository.brandIcon(on: context.runtime.pool, storeID: context.store.id, campaignID: campaignID)
        return try image.orThrow(APIError.notFound).response
    }

    /// CMP-12 → 204, also when the campaign had no icon (the outcome the caller asked for holds); 404 for an
    /// unknown campaign.
    @Sendable func deleteBrandIcon(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let campaignID = try context.uuidParameter("campaign")
        try await context.runtime.pool.transaction { tx in
            guard try await CampaignRepository.exists(on: tx, storeID: context.store.id, id: campaignID) else { throw APIError.notFound }
            if try await MediaRepository.deleteBrandIcon(on: tx, storeID: context.store.id, campaignID: campaignID) {
                try await event("CampaignBrandIconWasRemoved", campaignID: campaignID, context: context, on: tx)
            }
        }
        return .noContent
    }

    /// Admins need to see campaigns; customers, sellers and storefront sessions of the store may fetch images.
    private func requireViewer(_ context: StoreContext) async throws {
        let identity = try context.requireIdentity()
        if identity.isAdministrator {
            try await context.requireAdmin(.rewardCampaign, .view)
        } else {
            try context.require(.customer, .seller, .storefront)
        }
    }

    private func event(_ type: String, campaignID: UUID, photoID: UUID? = nil, context: StoreContext, on tx: PostgresSession) async throws {
        var payload = ["campaignId": campaignID.text]
        if let photoID { payload["photoId"] = photoID.text }
        try await CampaignEvents.append(type, aggregate: "campaign", id: campaignID, payload: payload, context: context, on: tx)
    }
}
