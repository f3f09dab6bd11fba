import Campaigns
import ServiceKit

await ServiceMain.run(CampaignsService.definition)
