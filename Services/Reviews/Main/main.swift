import Reviews
import ServiceKit

await ServiceMain.run(ReviewsService.definition)
