import Postgres
import ServiceLifecycle

/// Keeps the store directory's cache in step with `NOTIFY stores_changed` for the server's lifetime.
struct StoreCacheFollower: Service {
    let stores: StoreDirectory
    let listener: PostgresListener

    init(stores: StoreDirectory, listener: PostgresListener) {
        self.stores = stores
        self.listener = listener
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await stores.follow(listener)
        }
    }
}
