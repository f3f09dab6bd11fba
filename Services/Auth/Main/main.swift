import Auth
import ServiceKit

await ServiceMain.run(AuthService.definition)
