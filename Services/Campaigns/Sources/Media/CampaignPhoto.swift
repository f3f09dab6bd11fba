import Foundation
import ServiceKit

/// A campaign photo's description, without its bytes (campaigns §1.3).
struct CampaignPhoto: Sendable, Hashable {
    let id: UUID
    let originalName: String
    let mime: String
}

/// `{photoId, path, orginalName, mimeType}` in CMP-15's `photos`; `orginalName` is spelled as the API spells it.
struct CampaignPhotoView: Encodable, Sendable {
    let photoId: String
    let path: String
    let orginalName: String
    let mimeType: String

    init(_ photo: CampaignPhoto) {
        photoId = photo.id.text
        path = "campaign_photos/\(photo.id.text)"
        orginalName = photo.originalName
        mimeType = photo.mime
    }
}
